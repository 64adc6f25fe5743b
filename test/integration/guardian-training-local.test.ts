import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createGuardianActivities } from '../../src/activities/guardian';
import type { TrainingHeartbeat } from '../../src/activities/guardian/run-training-job';
import type { TrainingRequest } from '../../src/contracts/guardian-activities';
import { uniqueName } from '../helpers/stack';
import {
  GuardianTestContext,
  LogLine,
  openGuardianTestContext,
  runInActivityContext,
} from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runTrainingJob with the local command runner', () => {
  let t: GuardianTestContext;
  let dir: string;
  beforeAll(async () => {
    t = await openGuardianTestContext();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardian-training-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  function request(modelName: string, reason = 'HIGH drift'): TrainingRequest {
    return { modelName, modelVersion: '3', reason, priority: 'high', triggeringEventId: uniqueName('evt') };
  }
  const activitiesRunning = (command: string) =>
    createGuardianActivities(t.depsWith({ TRAINING_COMMAND: command }));
  const linesOf = (jobId: string) => t.logs.filter((l: LogLine) => l.job_id === jobId && l.stream);

  it('runs the command with the job in its environment, streams its output and reads the new version', async () => {
    const model = uniqueName('train-local');
    const command =
      'echo "training $MODEL_NAME from $MODEL_VERSION: $TRAINING_REASON ($TRAINING_PRIORITY, $TRAINING_EVENT_ID)"; ' +
      'echo "loss went down" >&2; echo NEW_MODEL_VERSION=4';
    const req = request(model);
    const heartbeats: TrainingHeartbeat[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: TrainingHeartbeat) => heartbeats.push(d));

    const result = await runInActivityContext(env, activitiesRunning(command).runTrainingJob, req);

    expect(result).toMatchObject({ status: 'succeeded', newVersion: '4' });
    expect(result.jobId).toMatch(/^local-/);
    expect(heartbeats[0]).toEqual({ jobId: result.jobId, backend: 'local' });
    // Each stream keeps its order; how the two interleave is up to the operating system.
    const lines = linesOf(result.jobId);
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.msg)).toEqual([
      `training ${model} from 3: HIGH drift (high, ${req.triggeringEventId})`,
      'NEW_MODEL_VERSION=4',
    ]);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.msg)).toEqual(['loss went down']);
    expect(lines.every((l) => l.model_name === model)).toBe(true);
  });

  it('never runs job values as shell code: they reach the command only as environment values', async () => {
    const marker = path.join(dir, 'injected');
    const reason = `$(touch ${marker}); touch ${marker}; \`touch ${marker}\``;
    const result = await runInActivityContext(
      new MockActivityEnvironment(),
      activitiesRunning('printf "%s\\n" "$TRAINING_REASON"').runTrainingJob,
      request(uniqueName('train-inject'), reason),
    );
    expect(result.status).toBe('succeeded');
    expect(fs.existsSync(marker)).toBe(false);
    expect(linesOf(result.jobId).map((l) => l.msg)).toEqual([reason]);
  });

  it('reports a non-zero exit as a failed job with the exit code and the last output', async () => {
    const result = await runInActivityContext(
      new MockActivityEnvironment(),
      activitiesRunning('echo "loading data"; echo "CUDA error: device lost" >&2; exit 3').runTrainingJob,
      request(uniqueName('train-local-fail')),
    );
    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/exited with code 3/);
    expect(result.detail).toMatch(/CUDA error: device lost/);
  });

  it('cancelling the activity kills the command and everything it started', async () => {
    const pidFile = path.join(dir, 'sleep.pid');
    const env = new MockActivityEnvironment();
    const running = runInActivityContext(
      env,
      activitiesRunning(`sleep 60 & echo $! > ${pidFile}; echo started; wait`).runTrainingJob,
      request(uniqueName('train-local-cancel')),
    );
    const outcome = running.then(
      () => 'completed',
      (err: Error) => err.message,
    );
    await until(
      'the command to start',
      () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '',
    );
    const sleepPid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(isAlive(sleepPid)).toBe(true);

    env.cancel('CANCELLED');
    expect(await outcome).toMatch(/CANCELLED/);
    await until('the background process to die', () => !isAlive(sleepPid));
  });

  it('a retried attempt on the same worker re-attaches to the running command instead of starting another', async () => {
    const counter = path.join(dir, 'runs');
    const activities = activitiesRunning(`echo run >> ${counter}; echo working; sleep 1; echo done`);
    const req = request(uniqueName('train-local-resume'));

    const first = new MockActivityEnvironment({ attempt: 1 });
    const beats: TrainingHeartbeat[] = [];
    first.on('heartbeat', (d: TrainingHeartbeat) => {
      beats.push(d);
      if (beats.length === 1) first.cancel('TIMED_OUT');
    });
    await expect(runInActivityContext(first, activities.runTrainingJob, req)).rejects.toThrow(/TIMED_OUT/);

    const second = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: beats.at(-1) });
    const result = await runInActivityContext(second, activities.runTrainingJob, req);
    expect(result).toMatchObject({ jobId: beats[0].jobId, status: 'succeeded' });
    expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a retry on a worker that never ran the job starts it again, and says so', async () => {
    const req = request(uniqueName('train-local-lost'));
    const lostJob: TrainingHeartbeat = { jobId: 'local-from-a-worker-that-died', backend: 'local' };
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: lostJob });
    const result = await runInActivityContext(env, activitiesRunning('echo fresh start').runTrainingJob, req);
    expect(result.status).toBe('succeeded');
    expect(result.jobId).not.toBe(lostJob.jobId);
    expect(t.logs.some((l) => l.job_id === lostJob.jobId && /lost with its worker/.test(String(l.msg)))).toBe(
      true,
    );
  });
});
