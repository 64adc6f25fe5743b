import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  FAILURE_OBSERVED_SIGNAL,
  type FailureObserved,
  type FleetAlarmActivities,
  type FleetFailureCountInput,
} from '../../contracts/fleet-alarms';

export const failureObserved = defineSignal<[FailureObserved]>(FAILURE_OBSERVED_SIGNAL);

/** Alarm delivery retries its channels itself; a few attempts cover a worker that died. */
const { raiseFleetDbAlarm } = proxyActivities<FleetAlarmActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

// A long outage sends many signals: start afresh before the history grows large.
const MAX_HISTORY_EVENTS = 2000;

/**
 * Counts PostgreSQL connection failures reported by every worker of the fleet over a sliding
 * window (workflow time) and raises one alarm when more than `threshold` fall within it — three
 * workers with two failures each alarm, where each process alone never would. At most one alarm
 * per window; the workflow ends once a whole window passed without a failure.
 */
export async function fleetFailureCountWorkflow(input: FleetFailureCountInput): Promise<{ alarms: number }> {
  const windowMs = input.windowMinutes * 60_000;
  let failures = input.carried?.failures ?? [];
  let lastAlarmAtMs = input.carried?.lastAlarmAtMs;
  let alarms = 0;
  const pending: FailureObserved[] = [];
  setHandler(failureObserved, (failure) => void pending.push(failure));

  for (;;) {
    await condition(() => pending.length > 0, windowMs);
    const now = Date.now();
    const arrived = pending.splice(0);
    failures = [...failures, ...arrived.map((f) => ({ atMs: now, reporter: f.reporter }))].filter(
      (f) => f.atMs > now - windowMs,
    );
    if (failures.length === 0) return { alarms };
    const quiet = lastAlarmAtMs === undefined || now - lastAlarmAtMs >= windowMs;
    if (arrived.length > 0 && failures.length > input.threshold && quiet) {
      lastAlarmAtMs = now;
      alarms++;
      await raiseFleetDbAlarm({
        alarmId: `${workflowInfo().workflowId}:${workflowInfo().runId}:${now}`,
        fleetId: workflowInfo().workflowId,
        failures: failures.length,
        windowMinutes: input.windowMinutes,
        threshold: input.threshold,
        reporters: [...new Set(failures.map((f) => f.reporter))].sort(),
        lastDetail: arrived[arrived.length - 1].detail,
        time: new Date(now).toISOString(),
      });
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      // Signals that arrived meanwhile are counted in the next run, not dropped.
      const later = pending.splice(0).map((f) => ({ atMs: Date.now(), reporter: f.reporter }));
      await continueAsNew<typeof fleetFailureCountWorkflow>({
        ...input,
        carried: { failures: [...failures, ...later], lastAlarmAtMs },
      });
    }
  }
}
