import type { AlertRequest } from '../../contracts/guardian-activities';
import type { EventPublisher } from '../../clients/event-publisher';
import { deterministicUuid } from '../deterministic-id';
import type { AlertChannel } from './alert-channel';

/** The alert as the event on system.alerts carries it (the envelope is added by the publisher). */
export function alertEventPayload(alert: AlertRequest): Record<string, unknown> {
  const source = alert.sourceEvent;
  return {
    alert_id: alert.alertId,
    model_name: alert.modelName,
    title: alert.title,
    message: alert.message,
    priority: alert.priority,
    time: alert.time,
    source_event_id: typeof source?.event_id === 'string' ? source.event_id : null,
    source_event: source ?? null,
  };
}

/** Alerts to Kafka, keyed by model; a retried alert keeps its event_id. */
export function createKafkaAlertChannel(publisher: EventPublisher, topic: string): AlertChannel {
  return {
    name: 'kafka',
    async deliver(alert) {
      await publisher.publish(
        topic,
        alert.modelName,
        'alert',
        alertEventPayload(alert),
        deterministicUuid('alert', alert.alertId),
      );
    },
  };
}
