import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Alarm, AlarmDispatch, AlarmSource, AlarmSuppression } from '../../contracts/alarms';
import { alarmRoute } from '../../domain/alerting/alarm-route';
import { alarmGroupKey, waitsInGroup } from '../../domain/alerting/alarm-group';
import { mayBeHeldBack } from '../../domain/alerting/answer-needed';
import { inhibits, mayBeInhibited } from '../../domain/alerting/inhibition';
import { errorMessage } from '../../domain/error-message';
import type { Logger } from '../../logger';
import type { AlarmChannel } from './alarm-channel';
import { alarmLabels } from './alarm-labels';
import {
  claimDueGroup,
  claimWarningBatch,
  deliveredChannels,
  firingCritical,
  markSuppressed,
  markBatchSent,
  pruneAlarms,
  queueInGroup,
  recordAlarm,
  recordDelivery,
} from './alarm-store';
import { deliverWithRetry, type DeliveryRetryPolicy } from './delivery-retry';
import { matchingSilence } from './silence-store';

/** What counts deliveries (the worker's and the bridge's /metrics). */
export interface AlarmDeliveryObserver {
  /** A channel accepted an alarm; `raisedAt` gives its latency (alarms sent at once only). */
  alarmSent(source: AlarmSource, channel: string, raisedAt?: string): void;
  /** One attempt on a channel failed (it may be tried again). */
  alarmFailed(source: AlarmSource, channel: string): void;
  /** A channel was given up on for this alarm: recorded in alarm_deliveries. */
  alarmUndelivered(source: AlarmSource, channel: string): void;
  /** An alarm recorded but not sent: a silence matched it, or a firing critical alarm inhibits it. */
  alarmSuppressed?(source: AlarmSource, reason: AlarmSuppression['reason']): void;
}

export interface AlertSenderDeps {
  channels: AlarmChannel[];
  pool: Pool;
  retry: DeliveryRetryPolicy;
  observer: AlarmDeliveryObserver;
  logger: Logger;
  /** Removes configured secrets from error text before it is logged or stored. */
  scrub?: (text: string) => string;
  /** Warnings per batch message; more wait for the next one. */
  batchLimit?: number;
  /** A claimed batch not sent after this long is claimed again (its sender died). */
  staleBatchSeconds: number;
  /** How long the alarms table keeps an alarm. */
  retentionDays?: number;
  /** A critical alarm inhibits lower ones for its subject for this long after it fired; 0: never. */
  inhibitMinutes?: number;
  /** A critical alarm waits this long for others of its group (model + event type); 0: sent at once. */
  groupWaitSeconds?: number;
  /** A new group goes out no sooner than this long after its key's last group (group_interval); 0: no such wait. */
  groupIntervalSeconds?: number;
}

// A month of alarms answers "what happened lately"; system.alerts keeps the full history.
export const ALARM_RETENTION_DAYS = 30;

/** The one way every alarm source reaches people (README "Alerting"). */
export interface AlertSender {
  readonly channelNames: string[];
  /** Sends at once, queues for the next warning batch, or keeps for the daily report, by priority. */
  send(alarm: Alarm, signal?: AbortSignal): Promise<AlarmDispatch>;
  /** Sends the waiting warnings as one message per channel; returns how many went out. */
  flushWarnings(): Promise<number>;
  /** Sends every group of critical alarms that is due, one message per group; returns how many alarms. */
  flushGroups(): Promise<number>;
  /** Forgets alarms and delivery records older than ALARM_RETENTION_DAYS; returns how many alarms. */
  prune(): Promise<number>;
  close(): void;
}

export function createAlertSender(deps: AlertSenderDeps): AlertSender {
  const { channels, pool, retry, observer, logger } = deps;
  const scrub = deps.scrub ?? ((text: string) => text);
  const log = logger.child({ component: 'alert-sender' });

  /** The bookkeeping that must not stop an alarm: PostgreSQL may be the very thing that is down. */
  async function bestEffort<T>(what: string, fallback: T, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      log.warn({ err: scrub(errorMessage(err)) }, `alarm bookkeeping failed (${what}); sending anyway`);
      return fallback;
    }
  }

  /**
   * What holds an alarm back, checked at send time: an active silence, else a critical alarm for
   * the same subject that fired within ALERT_INHIBIT_MINUTES. When PostgreSQL cannot say, the
   * alarm is sent: a page too many beats a page lost.
   */
  async function suppressionOf(alarm: Alarm): Promise<AlarmSuppression | undefined> {
    if (!mayBeHeldBack(alarm)) return undefined;
    return bestEffort('checking silences and inhibitions', undefined, async () => {
      const silence = await matchingSilence(pool, alarmLabels(alarm));
      if (silence) return { reason: 'silenced' as const, by: silence.silenceId };
      const minutes = deps.inhibitMinutes ?? 0;
      if (!mayBeInhibited(alarm.priority, minutes)) return undefined;
      const raisedAt = new Date(alarm.time);
      const firing = await firingCritical(pool, alarm.subject, raisedAt, minutes);
      const target = { model: alarm.subject, priority: alarm.priority, raisedAt };
      if (
        firing &&
        firing.alarmId !== alarm.alarmId &&
        inhibits({ ...firing, model: alarm.subject, priority: 'critical' }, target, minutes)
      )
        return { reason: 'inhibited' as const, by: firing.alarmId };
      return undefined;
    });
  }

  /** Records a held-back alarm (it is never lost) and says so in the log and the metrics. */
  async function holdBack(alarm: Alarm, route: AlarmDispatch['route'], suppressed: AlarmSuppression) {
    await recordAlarm(pool, alarm, route, suppressed);
    observer.alarmSuppressed?.(alarm.source, suppressed.reason);
    log.info(
      {
        alarm_id: alarm.alarmId,
        subject: alarm.subject,
        priority: alarm.priority,
        [suppressed.reason + '_by']: suppressed.by,
      },
      `alarm ${suppressed.reason}, not sent`,
    );
    return { route, deliveredTo: [], undelivered: [], suppressed };
  }

  /** A silence created while an alarm waited holds it back too: silences count when a message goes out. */
  async function notSilenced(claimed: Alarm[]): Promise<Alarm[]> {
    const alarms: Alarm[] = [];
    for (const alarm of claimed) {
      const silence = await matchingSilence(pool, alarmLabels(alarm));
      if (!silence) {
        alarms.push(alarm);
        continue;
      }
      await markSuppressed(pool, alarm.alarmId, { reason: 'silenced', by: silence.silenceId });
      observer.alarmSuppressed?.(alarm.source, 'silenced');
      log.info(
        { alarm_id: alarm.alarmId, silenced_by: silence.silenceId },
        'waiting alarm silenced, not sent',
      );
    }
    return alarms;
  }

  /** One message (an alarm or a batch) to every channel that has not had it, all at once. */
  async function deliver(alarms: Alarm[], deliveryId: string, latencyFrom?: string, signal?: AbortSignal) {
    const done = await bestEffort('reading earlier deliveries', [], () =>
      deliveredChannels(pool, deliveryId),
    );
    const outcomes = await Promise.all(
      channels.map(async (channel) => {
        if (done.includes(channel.name)) return { channel: channel.name, ok: true as const };
        const outcome = await deliverWithRetry(
          channel,
          alarms,
          deliveryId,
          retry,
          () => alarms.forEach((a) => observer.alarmFailed(a.source, channel.name)),
          signal,
        );
        const error = outcome.ok ? undefined : scrub(outcome.error);
        await bestEffort('recording the delivery', undefined, () =>
          recordDelivery(pool, {
            deliveryId,
            channel: channel.name,
            status: outcome.ok ? 'delivered' : 'undelivered',
            attempts: outcome.attempts,
            alarmCount: alarms.length,
            error,
          }),
        );
        for (const alarm of alarms) {
          if (outcome.ok) observer.alarmSent(alarm.source, channel.name, latencyFrom);
          else observer.alarmUndelivered(alarm.source, channel.name);
        }
        if (!outcome.ok)
          log.error(
            { delivery_id: deliveryId, channel: channel.name, attempts: outcome.attempts, err: error },
            `alarm undelivered on ${channel.name}: ${outcome.permanent ? 'refused' : 'gave up after retries'}`,
          );
        return outcome.ok
          ? { channel: channel.name, ok: true as const }
          : { channel: channel.name, ok: false as const, error: error! };
      }),
    );
    return {
      deliveredTo: outcomes.filter((o) => o.ok).map((o) => o.channel),
      undelivered: outcomes.flatMap((o) => (o.ok ? [] : [{ channel: o.channel, error: o.error }])),
    };
  }

  return {
    channelNames: channels.map((c) => c.name),

    async send(alarm, signal) {
      const route = alarmRoute(alarm);
      if (route === 'summary') {
        // Information for the daily report: it must be in the table, or the caller retries.
        await recordAlarm(pool, alarm, route);
        return { route, deliveredTo: [], undelivered: [] };
      }
      // Only what reaches people is held back; information alarms reach nobody already.
      const suppressed = await suppressionOf(alarm);
      if (suppressed) {
        try {
          return await holdBack(alarm, route, suppressed);
        } catch (err) {
          // Not recorded, so not held back: it goes out rather than vanish.
          log.warn(
            { alarm_id: alarm.alarmId, err: scrub(errorMessage(err)) },
            `alarm ${suppressed.reason} but not recorded; sent anyway`,
          );
        }
      }
      const groupWait = deps.groupWaitSeconds ?? 0;
      // A request for an answer does not wait for its group either: it goes at once, alone.
      if (mayBeHeldBack(alarm) && waitsInGroup(route, alarm.priority, groupWait)) {
        const groupKey = alarmGroupKey(alarmLabels(alarm));
        try {
          const sendAt = await queueInGroup(pool, alarm, groupKey, groupWait, deps.groupIntervalSeconds ?? 0);
          return {
            route,
            deliveredTo: [],
            undelivered: [],
            grouped: { groupKey, sendAt: sendAt.toISOString() },
          };
        } catch (err) {
          // Without PostgreSQL a critical alarm cannot wait for its group: it goes out alone, now.
          log.warn(
            { alarm_id: alarm.alarmId, err: scrub(errorMessage(err)) },
            'alarm not grouped; sent at once',
          );
        }
      }
      if (route === 'batch') {
        try {
          await recordAlarm(pool, alarm, route);
          return { route, deliveredTo: [], undelivered: [] };
        } catch (err) {
          // Without PostgreSQL a warning cannot wait for its batch: better early than never.
          log.warn(
            { alarm_id: alarm.alarmId, err: scrub(errorMessage(err)) },
            'warning not queued; sent at once',
          );
        }
      } else {
        await bestEffort('recording the alarm', false, () => recordAlarm(pool, alarm, route));
      }
      return { route: 'now', ...(await deliver([alarm], alarm.alarmId, alarm.time, signal)) };
    },

    async flushWarnings() {
      const batchId = `batch:${randomUUID()}`;
      const claimed = await claimWarningBatch(pool, batchId, deps.batchLimit ?? 200, deps.staleBatchSeconds);
      const alarms = await notSilenced(claimed);
      if (alarms.length === 0) {
        if (claimed.length > 0) await markBatchSent(pool, batchId);
        return 0;
      }
      const { deliveredTo, undelivered } = await deliver(alarms, batchId);
      await markBatchSent(pool, batchId);
      log.info(
        {
          batch_id: batchId,
          warnings: alarms.length,
          delivered_to: deliveredTo,
          undelivered: undelivered.map((u) => u.channel),
        },
        'warning batch sent',
      );
      return alarms.length;
    },

    async flushGroups() {
      let sent = 0;
      // A bounded number of groups per tick; the rest go out on the next one.
      for (let i = 0; i < 50; i++) {
        const groupId = `group:${randomUUID()}`;
        const claimed = await claimDueGroup(pool, groupId, deps.batchLimit ?? 200, deps.staleBatchSeconds);
        if (claimed.length === 0) break;
        const alarms = await notSilenced(claimed);
        if (alarms.length > 0) {
          const { deliveredTo, undelivered } = await deliver(alarms, groupId, alarms[0].time);
          log.info(
            {
              group_id: groupId,
              alarms: alarms.length,
              delivered_to: deliveredTo,
              undelivered: undelivered.map((u) => u.channel),
            },
            'alarm group sent',
          );
        }
        await markBatchSent(pool, groupId);
        sent += alarms.length;
      }
      return sent;
    },

    prune() {
      return pruneAlarms(pool, deps.retentionDays ?? ALARM_RETENTION_DAYS);
    },

    close() {
      for (const channel of channels) channel.close?.();
    },
  };
}
