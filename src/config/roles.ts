import { z } from 'zod';
import { parseSettings, positiveInt, setting, SettingsValues } from './setting';

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
  // Sizing of each Temporal worker this process runs (one per task queue it polls); unset keeps
  // the SDK's defaults. Set per role: a guardian pod caches many small workflows, a GPU pod
  // runs as many detector activities at once as its GPU takes.
  maxCachedWorkflows: setting({
    env: 'WORKER_MAX_CACHED_WORKFLOWS',
    schema: z.coerce.number().int().min(0).optional(),
    description:
      "Sticky cache size of each of this process's Temporal workers: how many workflow runs stay in memory between their tasks (0: none, every task replays the history). Unset: the Temporal SDK's default, sized from the process's memory.",
    expects: 'a whole number, 0 or more',
  }),
  maxConcurrentWorkflowTasks: setting({
    env: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
    schema: positiveInt.optional(),
    description:
      "Workflow task slots of each of this process's Temporal workers that run workflows. Unset: the Temporal SDK's default.",
    expects: 'a positive whole number',
  }),
  maxConcurrentActivities: setting({
    env: 'WORKER_MAX_CONCURRENT_ACTIVITIES',
    schema: positiveInt.optional(),
    description:
      "Activity slots of each of this process's Temporal workers: how many activities one worker runs at once (on the detector queue: detector batches and frame extractions in flight). Unset: the Temporal SDK's default.",
    expects: 'a positive whole number',
  }),
};

export type RoleConfig = SettingsValues<typeof roleSettings>;

export function parseRoleConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(roleSettings, env);
}
