import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { longTimerWorkflow } from '../fixtures/infrastructure-workflows';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a timer of hours without waiting hours', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping-test',
      workflowsPath: require.resolve('../fixtures/infrastructure-workflows'),
    });
    const wallStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(longTimerWorkflow, {
        args: [6],
        workflowId: 'long-timer',
        taskQueue: 'time-skipping-test',
      }),
    );
    const wallMs = Date.now() - wallStart;
    // Six hours of workflow time passed; the wall clock saw a tiny fraction of that.
    expect(result.workflowMsElapsed).toBeGreaterThanOrEqual(6 * 3600_000);
    expect(wallMs).toBeLessThan(result.workflowMsElapsed / 100);
  });
});
