import type { EventPublisher } from '../../clients/event-publisher';
import type { Config } from '../../config';
import type { AlertChannel } from './alert-channel';
import { createKafkaAlertChannel } from './kafka-alert-channel';
import { createWebhookAlertChannel } from './webhook-alert-channel';

export type { AlertChannel } from './alert-channel';

/** Kafka always (first: it is the record of truth), then the webhook when ALERT_WEBHOOK_URL is set. */
export function createAlertChannels(config: Config, publisher: EventPublisher): AlertChannel[] {
  const channels = [createKafkaAlertChannel(publisher, config.kafka.topicAlerts)];
  if (config.guardian.alertWebhookUrl) {
    channels.push(
      createWebhookAlertChannel(
        config.guardian.alertWebhookUrl,
        config.guardian.backendRequestTimeoutSeconds * 1000,
      ),
    );
  }
  return channels;
}
