import { Writable } from 'node:stream';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLogger } from '../../src/logger';
import { activityGroupIndex, activityPerformanceInterceptor } from '../../src/workers/activity-performance';

/** The lines a logger writes, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', pretty: false }, stream) };
}

describe('performance records of activities', () => {
  const groupOf = activityGroupIndex({
    guardian: { recordDecisions: 1, runTrainingJob: 1 },
    video: { detectPersons: 1 },
  });

  async function run(activityType: string, body: () => Promise<unknown>) {
    const { lines, logger } = capture();
    const env = new MockActivityEnvironment(
      { activityType, attempt: 2, taskQueue: 'mlops-guardian' },
      { interceptors: [activityPerformanceInterceptor(logger, groupOf)] },
    );
    const outcome = await env.run(body).then(
      (value) => ({ value }),
      (err: unknown) => ({ err }),
    );
    return { lines, outcome };
  }

  it('records a completed activity as an operation of its group, in the form the report reads', async () => {
    const { lines, outcome } = await run('recordDecisions', async () => 'recorded');
    expect(outcome).toEqual({ value: 'recorded' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        component: 'guardian activities',
        operation: 'recordDecisions',
        outcome: 'completed',
        attempt: 2,
        taskQueue: 'mlops-guardian',
        msg: 'activity finished',
      }),
    ]);
    expect(typeof lines[0].durationMs).toBe('number');
  });

  it('records failed and cancelled attempts too, and passes their errors on unchanged', async () => {
    const boom = new Error('detector unreachable');
    const failed = await run('detectPersons', () => Promise.reject(boom));
    expect(failed.outcome).toEqual({ err: boom });
    expect(failed.lines[0]).toMatchObject({ component: 'video processing', outcome: 'failed' });

    const cancelled = await run('detectPersons', () => Promise.reject(new CancelledFailure('cancelled')));
    expect(cancelled.lines[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it("records neither a training job's wait nor an activity of no known group", async () => {
    expect((await run('runTrainingJob', async () => undefined)).lines).toEqual([]);
    expect((await run('somethingElse', async () => undefined)).lines).toEqual([]);
  });
});
