import { ConfigError, loadConfig } from '../../src/config';
import { taskQueues } from '../../src/config/task-queues';
import { planWorkers } from '../../src/workers/worker-plan';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ LOG_LEVEL: 'silent', ...env });

describe('WORKER_ROLES', () => {
  it('defaults to every role, as npm start runs them', () => {
    expect(load({}).roles.roles).toEqual(['guardian', 'video', 'video-detector', 'report', 'bridge']);
  });

  it('reads a comma list, spaces and case aside, without duplicates', () => {
    expect(load({ WORKER_ROLES: ' Guardian, bridge ,guardian' }).roles.roles).toEqual(['guardian', 'bridge']);
  });

  it.each(['gpu', 'guardian,,vidoe', ','])('refuses %j, naming the setting and the roles', (value) => {
    expect(() => load({ WORKER_ROLES: value })).toThrow(ConfigError);
    expect(() => load({ WORKER_ROLES: value })).toThrow(
      /WORKER_ROLES.* is invalid: expected a comma-separated list of guardian, video, video-detector, report, bridge/,
    );
  });

  it('refuses a detector queue shared with workflow work', () => {
    expect(() => load({ VIDEO_DETECTOR_TASK_QUEUE: 'mlops-guardian' })).toThrow(
      /VIDEO_DETECTOR_TASK_QUEUE="mlops-guardian" is also TEMPORAL_TASK_QUEUE or VIDEO_TASK_QUEUE/,
    );
    expect(() => load({ VIDEO_TASK_QUEUE: 'v', VIDEO_DETECTOR_TASK_QUEUE: 'v' })).toThrow(ConfigError);
  });
});

describe('planWorkers', () => {
  const split = taskQueues(load({ VIDEO_TASK_QUEUE: 'video', VIDEO_DETECTOR_TASK_QUEUE: 'gpu' }));
  const shared = taskQueues(load({ VIDEO_DETECTOR_TASK_QUEUE: 'gpu' }));

  it('gives a GPU-only process the detector queue alone, without workflows', () => {
    expect(planWorkers(['video-detector'], split)).toEqual([
      { taskQueue: 'gpu', workflows: false, activities: ['video-detector'] },
    ]);
  });

  it('keeps guardian and video work apart when the video queue has its own name', () => {
    expect(planWorkers(['guardian'], split)).toEqual([
      { taskQueue: 'mlops-guardian', workflows: true, activities: ['guardian', 'report'] },
    ]);
    expect(planWorkers(['video'], split).map((p) => p.taskQueue)).toEqual(['video', 'gpu']);
  });

  it('registers everything of a shared queue on each of its workers, whatever the role', () => {
    // Temporal hands a queue's tasks to any poller: both must know every type on it.
    const guardian = planWorkers(['guardian'], shared);
    const video = planWorkers(['video'], shared).find((p) => p.taskQueue === 'mlops-guardian');
    expect(guardian[0]).toEqual(video);
    expect(guardian[0].activities).toEqual(expect.arrayContaining(['guardian', 'report', 'video']));
  });

  it('runs no worker for a bridge-only process', () => {
    expect(planWorkers(['bridge'], split)).toEqual([]);
  });
});
