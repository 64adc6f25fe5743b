import { MockActivityEnvironment } from '@temporalio/testing';
import { createGuardianActivities } from '../../src/activities/guardian';
import type { TrainingHeartbeat } from '../../src/activities/guardian/run-training-job';
import type { TrainingRequest } from '../../src/contracts/guardian-activities';
import { startFakeTrainingServer } from '../helpers/fake-training-server';
import { uniqueName } from '../helpers/stack';
import {
  GuardianTestContext,
  openGuardianTestContext,
  recordTopics,
  runInActivityContext,
  TopicRecorder,
} from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

describe('runTrainingJob on the HTTP training service', () => {
  let t: GuardianTestContext;
  let topics: TopicRecorder;
  beforeAll(async () => {
    t = await openGuardianTestContext();
    topics = await recordTopics(t.kafka, [
      t.config.kafka.topicTrainingStarted,
      t.config.kafka.topicTrainingCompleted,
    ]);
  });
  afterAll(async () => {
    await topics?.stop();
    await t?.close();
  });

  function request(modelName: string): TrainingRequest {
    return {
      modelName,
      modelVersion: '7',
      reason: 'HIGH drift',
      priority: 'high',
      triggeringEventId: uniqueName('evt'),
    };
  }

  function activitiesFor(url: string) {
    return createGuardianActivities(
      t.depsWith({ TRAINING_SERVICE_URL: url, TRAINING_POLL_INTERVAL_SECONDS: '0.05' }),
    );
  }

  it('submits a job, polls it to success with heartbeats, and publishes started/completed', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({
        runningPolls: 3,
        end: { status: 'succeeded', detail: 'auc 0.91', new_version: '8' },
      }),
    });
    try {
      const model = uniqueName('train-http');
      const req = request(model);
      const env = new MockActivityEnvironment();
      const heartbeats: TrainingHeartbeat[] = [];
      env.on('heartbeat', (d: TrainingHeartbeat) => heartbeats.push(d));

      const result = await runInActivityContext(env, activitiesFor(server.url).runTrainingJob, req);

      expect(result).toEqual({ jobId: 'job-1', status: 'succeeded', detail: 'auc 0.91', newVersion: '8' });
      const submit = server.requests.find((r) => r.method === 'POST')!;
      expect(submit.path).toBe('/jobs');
      expect(submit.body).toEqual({
        model_name: model,
        model_version: '7',
        reason: 'HIGH drift',
        priority: 'high',
        triggering_event_id: req.triggeringEventId,
      });
      expect(submit.headers['idempotency-key']).toBe(`${model}:${req.triggeringEventId}`);
      expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(4);
      expect(heartbeats[0]).toEqual({ jobId: 'job-1', backend: 'http' });
      expect(heartbeats.some((h) => h.progress !== undefined && h.progress > 0)).toBe(true);

      const events = await topics.waitFor((e) => e.key === model, 2);
      const started = events.find((e) => e.event.event_type === 'model_training_started')!;
      const completed = events.find((e) => e.event.event_type === 'model_training_completed')!;
      expect(started.topic).toBe('model.training.started');
      expect(started.event).toMatchObject({
        model_name: model,
        job_id: 'job-1',
        priority: 'high',
        backend: 'http',
      });
      expect(completed.topic).toBe('model.training.completed');
      expect(completed.event).toMatchObject({
        model_name: model,
        job_id: 'job-1',
        status: 'succeeded',
        new_version: '8',
      });

      const { rows } = await t.pool.query(
        'SELECT job_id, backend, status, new_version FROM guardian_training_jobs WHERE model_name = $1',
        [model],
      );
      expect(rows).toEqual([{ job_id: 'job-1', backend: 'http', status: 'succeeded', new_version: '8' }]);
    } finally {
      await server.close();
    }
  });

  it('reports a failed job as a result with its detail, not as an error', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 1, end: { status: 'failed', detail: 'out of GPU quota' } }),
    });
    try {
      const model = uniqueName('train-http-fail');
      const result = await runInActivityContext(
        new MockActivityEnvironment(),
        activitiesFor(server.url).runTrainingJob,
        request(model),
      );
      expect(result).toMatchObject({ status: 'failed', detail: 'out of GPU quota' });
      const [completed] = await topics.waitFor(
        (e) => e.key === model && e.event.event_type === 'model_training_completed',
      );
      expect(completed.event).toMatchObject({ status: 'failed', detail: 'out of GPU quota' });
    } finally {
      await server.close();
    }
  });

  it('rides out a short outage of the status endpoint within the same attempt', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 2, end: { status: 'succeeded' } }),
      unavailablePolls: [2, 3],
    });
    try {
      const model = uniqueName('train-http-blip');
      const result = await runInActivityContext(
        new MockActivityEnvironment(),
        activitiesFor(server.url).runTrainingJob,
        request(model),
      );
      expect(result.status).toBe('succeeded');
      expect(server.submissions()).toBe(1);
      expect(
        t.logs.filter((l) => l.msg === 'training status poll failed' && l.job_id === result.jobId),
      ).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('a retried attempt resumes the job from its heartbeat details instead of submitting again', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 4, end: { status: 'succeeded' } }),
    });
    try {
      const model = uniqueName('train-http-resume');
      const req = request(model);
      const activities = activitiesFor(server.url);

      // Attempt 1 submits and is interrupted (its start-to-close timeout fires) while the job runs.
      const first = new MockActivityEnvironment({ attempt: 1 });
      const firstBeats: TrainingHeartbeat[] = [];
      first.on('heartbeat', (d: TrainingHeartbeat) => {
        firstBeats.push(d);
        if (firstBeats.length === 2) first.cancel('TIMED_OUT');
      });
      await expect(runInActivityContext(first, activities.runTrainingJob, req)).rejects.toThrow();
      expect(server.submissions()).toBe(1);
      const jobId = firstBeats[0].jobId;
      expect(server.jobs.get(jobId)!.cancelled).toBe(false); // a timed-out attempt leaves the job running

      // Attempt 2 gets attempt 1's last heartbeat details, as Temporal hands them over.
      const second = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: firstBeats.at(-1) });
      const result = await runInActivityContext(second, activities.runTrainingJob, req);

      expect(result).toMatchObject({ jobId, status: 'succeeded' });
      expect(server.submissions()).toBe(1);
      const started = await topics.waitFor(
        (e) => e.key === model && e.event.event_type === 'model_training_started',
      );
      expect(started).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('without heartbeat details, a retry still finds the job its trigger started', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 0, end: { status: 'succeeded' } }),
    });
    try {
      const req = request(uniqueName('train-http-lookup'));
      const activities = activitiesFor(server.url);
      const first = await runInActivityContext(new MockActivityEnvironment(), activities.runTrainingJob, req);
      const again = await runInActivityContext(
        new MockActivityEnvironment({ attempt: 2 }),
        activities.runTrainingJob,
        req,
      );
      expect(again).toEqual(first);
      expect(server.submissions()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('cancelling the activity cancels the job on the service', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 1000, end: { status: 'succeeded' } }),
    });
    try {
      const model = uniqueName('train-http-cancel');
      const env = new MockActivityEnvironment();
      env.on('heartbeat', () => {
        if (server.requests.filter((r) => r.method === 'GET').length >= 2) env.cancel('CANCELLED');
      });
      await expect(
        runInActivityContext(env, activitiesFor(server.url).runTrainingJob, request(model)),
      ).rejects.toThrow(/CANCELLED/);
      expect(server.requests.some((r) => r.method === 'DELETE' && r.path === '/jobs/job-1')).toBe(true);
      const [completed] = await topics.waitFor(
        (e) => e.key === model && e.event.event_type === 'model_training_completed',
      );
      expect(completed.event).toMatchObject({ status: 'cancelled' });
    } finally {
      await server.close();
    }
  });

  it('a submit the service refuses (4xx) fails non-retryably with the status and an excerpt', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 0, end: { status: 'succeeded' } }),
      submitStatus: 400,
    });
    try {
      await expect(
        runInActivityContext(
          new MockActivityEnvironment(),
          activitiesFor(server.url).runTrainingJob,
          request(uniqueName('train-400')),
        ),
      ).rejects.toMatchObject({
        type: 'BackendRejected',
        nonRetryable: true,
        message: expect.stringMatching(/HTTP 400 .*model_name is not known here/),
      });
    } finally {
      await server.close();
    }
  });

  it('a training service that is down is a retryable failure', async () => {
    const server = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 0, end: { status: 'succeeded' } }),
    });
    await server.close(); // nothing listens on its port any more
    await expect(
      runInActivityContext(
        new MockActivityEnvironment(),
        activitiesFor(server.url).runTrainingJob,
        request(uniqueName('train-down')),
      ),
    ).rejects.toMatchObject({
      type: 'BackendUnavailable',
      nonRetryable: false,
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('with no training backend configured, fails non-retryably naming the variables to set', async () => {
    const { runTrainingJob } = createGuardianActivities(
      t.depsWith({ TRAINING_SERVICE_URL: '', TRAINING_COMMAND: '' }),
    );
    await expect(
      runInActivityContext(new MockActivityEnvironment(), runTrainingJob, request('any-model')),
    ).rejects.toMatchObject({
      type: 'BackendNotConfigured',
      nonRetryable: true,
      message: expect.stringMatching(/TRAINING_SERVICE_URL.*TRAINING_COMMAND/),
    });
  });
});
