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

describe('listener clashes and roles', () => {
  const samePorts = { WORKER_HTTP_PORT: '8088', BRIDGE_HTTP_PORT: '8088' };

  it('refuses one port for the worker and the bridge when the process runs both', () => {
    for (const roles of ['all', 'guardian,bridge', 'video-detector,bridge'])
      expect(() => load({ ...samePorts, WORKER_ROLES: roles })).toThrow(
        /WORKER_HTTP_PORT=8088 is also BRIDGE_HTTP_PORT/,
      );
  });

  it('lets a bridge-only and a worker-only process share the port settings', () => {
    // Each opens one of the two listeners only, e.g. two containers of one pod from one ConfigMap.
    expect(load({ ...samePorts, WORKER_ROLES: 'bridge' }).bridge.httpPort).toBe(8088);
    expect(load({ ...samePorts, WORKER_ROLES: 'guardian,video,report' }).worker.httpPort).toBe(8088);
  });

  it("checks the SDK's metrics port against the worker's only where a worker runs", () => {
    const sdk = { TEMPORAL_METRICS_ADDRESS: '127.0.0.1:8089' };
    expect(() => load({ ...sdk, WORKER_ROLES: 'guardian' })).toThrow(/TEMPORAL_METRICS_ADDRESS/);
    expect(load({ ...sdk, WORKER_ROLES: 'bridge' }).roles.roles).toEqual(['bridge']);
  });

  it('reports an invalid WORKER_ROLES alone, not a clash of roles it could not read', () => {
    expect(() => load({ ...samePorts, WORKER_ROLES: 'gpu' })).toThrow(/^(?![\s\S]*BRIDGE_HTTP_PORT)/);
  });
});

describe('worker sizing settings', () => {
  it("leaves the SDK's defaults unless set, and reads 0 as no sticky cache", () => {
    expect(load({}).roles).toMatchObject({
      maxCachedWorkflows: undefined,
      maxConcurrentWorkflowTasks: undefined,
      maxConcurrentActivities: undefined,
    });
    expect(
      load({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_MAX_CONCURRENT_ACTIVITIES: '4' }).roles,
    ).toMatchObject({ maxCachedWorkflows: 0, maxConcurrentActivities: 4 });
  });

  it.each([
    ['WORKER_MAX_CACHED_WORKFLOWS', '-1'],
    ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', '0'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'many'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(new RegExp(`${name}=.* is invalid`));
  });
});
