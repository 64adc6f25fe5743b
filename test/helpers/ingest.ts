import { createHash } from 'node:crypto';
import type { IncomingEvent, IngestSettings } from '../../src/domain/ingest/read-event';
import type { KafkaMessageView } from '../../src/bridge/message-decoding';

/** The reader's settings with naive timestamps in `producerTimeZone` and no CloudEvents mapping. */
export function ingestSettings(
  producerTimeZone = 'UTC',
  cloudEventTypes: Record<string, string> = {},
): IngestSettings {
  return { producerTimeZone, cloudEventTypes };
}

/** An HTTP-like incoming event (no topic): the family is inferred from the content. */
export function incoming(body: unknown, extra: Partial<IncomingEvent> = {}): IncomingEvent {
  const text = JSON.stringify(body) ?? '';
  return {
    body,
    fallbackId: { id: createHash('sha256').update(text).digest('hex').slice(0, 32), from: 'the test body' },
    ...extra,
  };
}

/** A Kafka message at offset 0 of partition 0, as the consumer hands it to classifyMessage. */
export function kafkaMessage(
  topic: string,
  value: Buffer | null,
  extra: Partial<KafkaMessageView> = {},
): KafkaMessageView {
  return { topic, partition: 0, offset: '0', value, ...extra };
}
