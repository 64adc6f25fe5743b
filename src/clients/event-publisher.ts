import { randomUUID } from 'node:crypto';
import type { KafkaProducer } from './kafka-client';

/** The common envelope of README "Kafka bridge" for events we publish. */
export interface OutboundEvent {
  event_id: string;
  event_type: string;
  timestamp: string;
  source: string;
  [field: string]: unknown;
}

export interface EventPublisher {
  /**
   * Publishes one event keyed by `key` (the model name, so a model's events stay ordered).
   * `event_id` may be given to make a retried publish recognisable downstream.
   */
  publish(
    topic: string,
    key: string,
    eventType: string,
    payload: Record<string, unknown>,
    eventId?: string,
  ): Promise<OutboundEvent>;
}

/** The one shared producer for alerts, training lifecycle, deployments and reports. */
export function createKafkaEventPublisher(
  producer: KafkaProducer,
  source = 'mlops-guardian',
): EventPublisher {
  return {
    async publish(topic, key, eventType, payload, eventId) {
      const event: OutboundEvent = {
        ...payload,
        event_id: eventId ?? randomUUID(),
        event_type: eventType,
        timestamp: new Date().toISOString(),
        source,
      };
      await producer.send(topic, [{ key, value: JSON.stringify(event), headers: { event_type: eventType } }]);
      return event;
    },
  };
}
