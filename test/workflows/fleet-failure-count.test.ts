import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FleetAlarmRequest } from '../../src/contracts/fleet-alarms';
import { failureObserved, fleetFailureCountWorkflow } from '../../src/workflows/fleet-alarms';
import { uniqueName } from '../helpers/stack';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * The fleet's DB-failure count on the time-skipping server: the window is workflow time, one
 * alarm per window, and the workflow ends after a quiet window. The alarm activity records.
 */

jest.setTimeout(120_000);

describe('fleetFailureCountWorkflow', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(
    alarms: FleetAlarmRequest[],
    body: (taskQueue: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = uniqueName('fleet-count');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(require.resolve('../../src/workflows/fleet-alarms')),
      activities: { raiseFleetDbAlarm: async (r: FleetAlarmRequest) => void alarms.push(r) },
    });
    return worker.runUntil(body(taskQueue));
  }

  const failure = (reporter: string) => ({ reporter, detail: `ECONNREFUSED seen by ${reporter}` });

  it('alarms on the 4th failure within 5 min, once per window, forgets old ones and ends when quiet', async () => {
    const alarms: FleetAlarmRequest[] = [];
    await withWorker(alarms, async (taskQueue) => {
      const workflowId = uniqueName('fleet');
      // As every worker reports: signal the fleet's count, starting it when none runs.
      const report = (reporter: string) =>
        env.client.workflow.signalWithStart(fleetFailureCountWorkflow, {
          workflowId,
          taskQueue,
          args: [{ threshold: 3, windowMinutes: 5 }],
          signal: failureObserved,
          signalArgs: [failure(reporter)],
        });
      for (const w of ['w1', 'w2', 'w1']) await report(w);
      // The first three fall out of the window (and that run ends): three more are three, not six.
      await env.sleep('6 minutes');
      for (const w of ['w1', 'w2', 'w3']) await report(w);
      await env.sleep('10 seconds');
      expect(alarms).toHaveLength(0);

      await report('w3');
      await env.sleep('10 seconds');
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ failures: 4, threshold: 3, reporters: ['w1', 'w2', 'w3'] });

      // Still inside the window of that alarm: counted, not alarmed again.
      const handle = await report('w2');
      await env.sleep('10 seconds');
      expect(alarms).toHaveLength(1);

      // A whole quiet window later the count is empty and the workflow ends.
      expect(await handle.result()).toEqual({ alarms: 1 });
    });
  });
});
