import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { markDone, runOnce } from '../../backends/action-ledger';
import type { AlertChannel, AlertSender } from '../../backends/alerts';
import type { Alarm } from '../../contracts/alarms';
import { isResponseAction } from '../../domain/policy/actions';
import { processWorkerMetrics } from '../../metrics/worker-metrics';
import { deliveryDeadline } from '../alerting';
import type { ActivityDeps } from '../deps';
import { withAlertAnnotations } from './alert-annotations';
import type { AlertRequest, AlertResult } from '../../contracts/guardian-activities';

const channelNames = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((c): c is string => typeof c === 'string') : [];

/**
 * Where an activity's alerts already arrived, kept in its heartbeat: a delivery is heartbeated
 * before its ledger row is marked done, so when PostgreSQL fails in between, the retry knows from
 * the heartbeat that the alert went out and does not send it again.
 */
export interface DeliveryProgress {
  /** Channels an earlier attempt delivered this alert to. */
  deliveredEarlier(alertId: string): string[];
  /** Records (heartbeats) that this alert has now reached these channels. */
  delivered(alertId: string, channels: string[]): void;
}

/** One alert per activity (sendAlert): the heartbeat is `{ deliveredTo }`. */
function singleAlertProgress(ctx: Context | undefined): DeliveryProgress {
  const details = ctx?.info.heartbeatDetails as { deliveredTo?: unknown } | undefined;
  const earlier = channelNames(details?.deliveredTo);
  return {
    deliveredEarlier: () => earlier,
    delivered: (_alertId, channels) => ctx?.heartbeat({ deliveredTo: channels }),
  };
}

/** Many alerts per activity (sendAlerts): the heartbeat is `{ deliveredByAlert: { id: channels } }`. */
export function batchProgress(ctx: Context | undefined): DeliveryProgress {
  const details = ctx?.info.heartbeatDetails as { deliveredByAlert?: Record<string, unknown> } | undefined;
  const byAlert: Record<string, string[]> = {};
  for (const [id, channels] of Object.entries(details?.deliveredByAlert ?? {}))
    byAlert[id] = channelNames(channels);
  return {
    deliveredEarlier: (alertId) => byAlert[alertId] ?? [],
    delivered: (alertId, channels) => {
      byAlert[alertId] = channels;
      ctx?.heartbeat({ deliveredByAlert: byAlert });
    },
  };
}

/** The running activity, or undefined when called directly (not as an activity). */
export function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Delivers one alert to every channel once, recording each delivery in `progress`. */
export type AlertDelivery = (request: AlertRequest, progress: DeliveryProgress) => Promise<AlertResult>;

/**
 * The guardian action an alert reports, for silences that match on action. The alert id's suffix
 * says which alert it is (the workflow names them so): an ALERT action's own alert, a failed
 * action (its title starts with the action), a rejected retrain. A drift alert reports no action.
 */
export function alertAction(request: AlertRequest): string | undefined {
  if (request.alertId.endsWith(':alert')) return 'ALERT';
  if (request.alertId.endsWith(':evaluation-rejected')) return 'RETRAIN';
  if (request.alertId.endsWith(':failure')) {
    const first = request.title.split(' ')[0];
    return isResponseAction(first) ? first : undefined;
  }
  return undefined;
}

/**
 * An approval request asks a person for an answer. One scheduled by a guardian before requests
 * carried `answerNeeded` is known by its id, which the workflow names `<decision>:approval-request`.
 */
function asksForAnswer(request: AlertRequest): boolean {
  return request.answerNeeded === true || request.alertId.endsWith(':approval-request');
}

/** A guardian alert as the alert sender carries it to people. */
export function guardianAlarm(request: AlertRequest): Alarm {
  const source = request.sourceEvent;
  const action = alertAction(request);
  return {
    alarmId: request.alertId,
    source: 'guardian',
    subject: request.modelName,
    kind: 'guardian_alert',
    title: request.title,
    message: request.message,
    priority: request.priority,
    time: request.time,
    ...(request.immediate ? { immediate: true } : {}),
    ...(asksForAnswer(request) ? { answerNeeded: true } : {}),
    details: {
      model_name: request.modelName,
      ...(action ? { action } : {}),
      ...(typeof source?.event_id === 'string' ? { source_event_id: source.event_id } : {}),
      ...(typeof source?.event_type === 'string' ? { source_event_type: source.event_type } : {}),
    },
  };
}

/**
 * ALERT: to system.alerts (once per alert: a retry does not publish again), then to people through
 * the alert sender, which routes it by priority and records each channel's delivery. A channel that
 * stays down is recorded as undelivered, not retried by the guardian: the activity still succeeds.
 * An alert answering a Prometheus alert quotes its summary and description.
 */
export function createSendAlert(deps: ActivityDeps, channels: AlertChannel[], sender: AlertSender) {
  const deliver = createAlertDelivery(deps, channels, sender);
  return async function sendAlert(request: AlertRequest): Promise<AlertResult> {
    return deliver(request, singleAlertProgress(currentActivity()));
  };
}

/** The delivery of one alert, for `sendAlert` and `sendAlerts` alike. */
export function createAlertDelivery(
  deps: ActivityDeps,
  channels: AlertChannel[],
  sender: AlertSender,
): AlertDelivery {
  const metrics = deps.workerMetrics ?? processWorkerMetrics;
  return async function deliverAlert(original, progress) {
    const request = withAlertAnnotations(original);
    const log = deps.logger.child({
      activity: 'sendAlert',
      model_name: request.modelName,
      alert_id: request.alertId,
    });
    const earlier = progress.deliveredEarlier(request.alertId);
    // Keep what an earlier attempt recorded in this attempt's heartbeat too.
    if (earlier.length > 0) progress.delivered(request.alertId, earlier);
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
            progress.delivered(request.alertId, [...earlier, ...deliveredTo, channel.name]);
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
    const dispatch = await sender.send(guardianAlarm(request), deliveryDeadline());
    const undelivered = dispatch.undelivered.map((u) => u.channel);
    log.info(
      {
        priority: request.priority,
        route: dispatch.route,
        delivered_to: [...deliveredTo, ...dispatch.deliveredTo],
        undelivered,
        ...(dispatch.suppressed ? { suppressed: dispatch.suppressed } : {}),
        ...(dispatch.grouped ? { grouped: dispatch.grouped } : {}),
      },
      'alert sent',
    );
    return {
      deliveredTo: [...deliveredTo, ...dispatch.deliveredTo],
      route: dispatch.route,
      ...(undelivered.length > 0 ? { undelivered } : {}),
      ...(dispatch.suppressed ? { suppressed: dispatch.suppressed } : {}),
      ...(dispatch.grouped ? { grouped: dispatch.grouped } : {}),
    };
  };
}
