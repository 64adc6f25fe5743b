import { Context } from '@temporalio/activity';
import { type AlertSender, createConfiguredAlertSender } from '../backends/alerts';
import { processWorkerMetrics } from '../metrics/worker-metrics';
import type { ActivityDeps } from './deps';

const senders = new WeakMap<object, AlertSender>();

/**
 * The alert sender activities share: the one the worker built (deps.alertSender), else one per
 * deps object, so the guardian, video and report activities of a process go out the same way.
 */
export function alertSenderOf(deps: ActivityDeps): AlertSender {
  if (deps.alertSender) return deps.alertSender;
  let sender = senders.get(deps);
  if (!sender) {
    sender = createConfiguredAlertSender(
      deps.config,
      deps.pool,
      deps.logger,
      deps.workerMetrics ?? processWorkerMetrics,
    );
    senders.set(deps, sender);
  }
  return sender;
}

// Room left after the channels gave up: to record the outcome and complete the activity.
const FINISHING_MS = 3000;

/**
 * Aborts a channel's retries before the activity's own timeout: a channel that stays down is then
 * recorded as undelivered by this attempt, instead of timing the activity out and being tried again
 * (with every other alarm of the activity) until the schedule runs out.
 */
export function deliveryDeadline(): AbortSignal | undefined {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return undefined; // called directly, not as an activity
  }
  const budget = ctx.info.startToCloseTimeoutMs - FINISHING_MS;
  return AbortSignal.any([ctx.cancellationSignal, AbortSignal.timeout(Math.max(1000, budget))]);
}
