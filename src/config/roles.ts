import { z } from 'zod';
import { parseSettings, setting, SettingsValues } from './setting';

/**
 * What one process of the image does. `npm start` runs them all; a cluster runs each role in
 * its own Deployment so a GPU node polls only detector work and a guardian node pulls no video.
 */
export const WORKER_ROLES = ['guardian', 'video', 'video-detector', 'report', 'bridge'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

const roleList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum([...WORKER_ROLES, 'all'])).min(1))
  // "all" among others still means all: nothing is left out by accident.
  .transform((roles): WorkerRole[] =>
    roles.includes('all') ? [...WORKER_ROLES] : [...new Set(roles as WorkerRole[])],
  );

const queueName = z.string().min(1);

export const roleSettings = {
  roles: setting({
    env: 'WORKER_ROLES',
    schema: roleList.default([...WORKER_ROLES]),
    description:
      'What this process runs: guardian (model guardians and their activities), video (the video analysis workflow, its database/alert activities, and the detector activities), video-detector (only the detector activities: frame extraction, detector calls, clean-up; for GPU nodes), report (the daily report workflow and its schedule), bridge (the Kafka bridge and HTTP way in). One image, one role per Deployment.',
    expects: `a comma-separated list of ${WORKER_ROLES.join(', ')} (or all)`,
    defaultText: 'all',
  }),
  videoTaskQueue: setting({
    env: 'VIDEO_TASK_QUEUE',
    schema: queueName.optional(),
    description:
      'Task queue of the video analysis workflow and its light activities; the bridge starts video jobs on it. Unset: TEMPORAL_TASK_QUEUE. Give it its own name when guardian and video workers run as separate processes: every worker of one queue must register the same workflows and activities.',
    expects: 'a task queue name',
  }),
  videoDetectorTaskQueue: setting({
    env: 'VIDEO_DETECTOR_TASK_QUEUE',
    schema: queueName.default('mlops-video-detector'),
    description:
      'Task queue of the video activities that need the detector host: loading the model, frame extraction, detector batches and clean-up of the frames. Must differ from TEMPORAL_TASK_QUEUE and VIDEO_TASK_QUEUE.',
    expects: 'a task queue name',
    defaultText: 'mlops-video-detector',
  }),
};

export type RoleConfig = SettingsValues<typeof roleSettings>;

export function parseRoleConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(roleSettings, env);
}
