import { ApplicationFailure } from '@temporalio/common';
import { runOnce } from '../../backends/action-ledger';
import type { AlertChannel } from '../../backends/alerts';
import { processWorkerMetrics } from '../../metrics/worker-metrics';
import type { ActivityDeps } from '../deps';
import { withAlertAnnotations } from './alert-annotations';
import type { AlertRequest, AlertResult } from '../../contracts/guardian-activities';

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
    const deliveredTo: string[] = [];
    for (const channel of channels) {
      try {
        await runOnce(
          deps.pool,
          { action: `alert:${channel.name}`, modelName: request.modelName, key: request.alertId },
          async () => ({}),
          async () => {
            try {
              await channel.deliver(request);
            } catch (err) {
              metrics.alarmFailed('guardian', channel.name);
              throw err;
            }
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
