import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { markDone, runOnce } from '../../backends/action-ledger';
import type { AlertChannel } from '../../backends/alerts';
import { processWorkerMetrics } from '../../metrics/worker-metrics';
import type { ActivityDeps } from '../deps';
import { withAlertAnnotations } from './alert-annotations';
import type { AlertRequest, AlertResult } from '../../contracts/guardian-activities';

/** The running activity, or undefined when called directly (not as an activity). */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Channels an earlier attempt of this activity delivered to, from its last heartbeat. */
function deliveredEarlier(ctx: Context | undefined): string[] {
  const details = ctx?.info.heartbeatDetails as { deliveredTo?: unknown } | undefined;
  return Array.isArray(details?.deliveredTo) ? details.deliveredTo.filter((c) => typeof c === 'string') : [];
}

/**
 * ALERT: to system.alerts and, when configured, the webhook. Each channel gets an alert once:
 * a retry after the webhook failed does not publish to Kafka again (nor counts it again).
 * An alert answering a Prometheus alert quotes its summary and description.
 */
export function createSendAlert(deps: ActivityDeps, channels: AlertChannel[]) {
  const metrics = deps.workerMetrics ?? processWorkerMetrics;
  return async function sendAlert(original: AlertRequest): Promise<AlertResult> {
    const request = withAlertAnnotations(original);
    const log = deps.logger.child({
      activity: 'sendAlert',
      model_name: request.modelName,
      alert_id: request.alertId,
    });
    const ctx = currentActivity();
    // A delivery is heartbeated before its ledger row is marked done: when PostgreSQL fails in
    // between, the retry knows from the heartbeat that the alert went out and does not send it again.
    const earlier = deliveredEarlier(ctx);
    if (earlier.length > 0) ctx?.heartbeat({ deliveredTo: earlier });
    const deliveredTo: string[] = [];
    for (const channel of channels) {
      const key = { action: `alert:${channel.name}`, modelName: request.modelName, key: request.alertId };
      if (earlier.includes(channel.name)) {
        await markDone(deps.pool, key, { channel: channel.name });
        deliveredTo.push(channel.name);
        continue;
      }
      try {
        await runOnce(
          deps.pool,
          key,
          async () => ({}),
          async () => {
            try {
              await channel.deliver(request);
            } catch (err) {
              metrics.alarmFailed('guardian', channel.name);
              throw err;
            }
            ctx?.heartbeat({ deliveredTo: [...earlier, ...deliveredTo, channel.name] });
            metrics.alarmSent('guardian', channel.name, request.time);
            return { channel: channel.name };
          },
        );
      } catch (err) {
        if (deliveredTo.length > 0 && err instanceof ApplicationFailure) {
          // Say where the alert did arrive, so nobody goes looking for it in vain.
          throw ApplicationFailure.create({
            message: `alert ${request.alertId} reached ${deliveredTo.join(', ')} but not the ${channel.name}: ${err.message}`,
            type: err.type ?? undefined,
            nonRetryable: err.nonRetryable ?? false,
            details: [{ deliveredTo }],
          });
        }
        throw err;
      }
      deliveredTo.push(channel.name);
    }
    log.info({ priority: request.priority, delivered_to: deliveredTo }, 'alert sent');
    return { deliveredTo };
  };
}
