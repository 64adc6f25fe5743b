import type { Pool } from 'pg';
import type { EventPublisher } from '../../clients/event-publisher';
import { type Config, configuredSecretValues } from '../../config';
import type { Logger } from '../../logger';
import { createSecretScrubber } from '../../redaction/secret-scrubber';
import type { AlarmChannel } from './alarm-channel';
import type { AlertChannel } from './alert-channel';
import { type AlarmDeliveryObserver, type AlertSender, createAlertSender } from './alert-sender';
import { discordMessage } from './discord-message';
import { createEmailAlarmChannel } from './email-alarm-channel';
import { createHttpAlarmChannel } from './http-alarm-channel';
import { jsonWebhookMessage } from './json-webhook-message';
import { createKafkaAlertChannel } from './kafka-alert-channel';
import { slackMessage } from './slack-message';

export type { AlarmChannel } from './alarm-channel';
export type { AlertChannel } from './alert-channel';
export type { AlarmDeliveryObserver, AlertSender } from './alert-sender';
export { createSilence, expireSilence, listSilences, type Silence, SilenceNotFound } from './silence-store';
export { startWarningBatches, type WarningBatches } from './warning-batches';

/** The guardian's record of truth: every alert on system.alerts, whatever its priority. */
export function createAlertChannels(config: Config, publisher: EventPublisher): AlertChannel[] {
  return [createKafkaAlertChannel(publisher, config.kafka.topicAlerts)];
}

/** The channels to people that the ALERT_* settings configure, in a fixed order. */
export function createAlarmChannels(config: Config): AlarmChannel[] {
  const a = config.alerting;
  const timeoutMs = config.guardian.backendRequestTimeoutSeconds * 1000;
  const channels: AlarmChannel[] = [];
  if (a.slackWebhookUrl)
    channels.push(
      createHttpAlarmChannel('slack', a.slackWebhookUrl, timeoutMs, (alarms) => slackMessage(alarms)),
    );
  if (a.discordWebhookUrl)
    channels.push(
      createHttpAlarmChannel('discord', a.discordWebhookUrl, timeoutMs, (alarms) => discordMessage(alarms)),
    );
  if (a.jsonWebhookUrl)
    channels.push(
      createHttpAlarmChannel('webhook', a.jsonWebhookUrl, timeoutMs, (alarms, id) =>
        jsonWebhookMessage(alarms, id.startsWith('batch:') || id.startsWith('group:') ? id : undefined),
      ),
    );
  if (a.smtpHost) channels.push(createEmailAlarmChannel(a, timeoutMs));
  return channels;
}

/** The alert sender of a process, over the configured channels. */
export function createConfiguredAlertSender(
  config: Config,
  pool: Pool,
  logger: Logger,
  observer: AlarmDeliveryObserver,
): AlertSender {
  const a = config.alerting;
  const scrubber = createSecretScrubber(configuredSecretValues(config));
  return createAlertSender({
    channels: createAlarmChannels(config),
    pool,
    logger,
    observer,
    scrub: (text) => scrubber.scrub(text),
    retry: {
      attempts: a.deliveryAttempts,
      initialMs: a.retryInitialSeconds * 1000,
      maxMs: a.retryMaxSeconds * 1000,
    },
    // Two intervals and a minute: long enough for a slow send, short enough not to lose a batch.
    staleBatchSeconds: 2 * a.warningBatchSeconds + 60,
    inhibitMinutes: a.inhibitMinutes,
    groupWaitSeconds: a.groupWaitSeconds,
    groupIntervalSeconds: a.groupIntervalSeconds,
  });
}
