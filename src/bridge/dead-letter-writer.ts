import { KafkaHeaders, KafkaMessageTooLargeError, KafkaProducer } from '../clients/kafka-client';
import type { Rejection } from './dead-letter-reason';
import type { EventOrigin } from './event-origin';

export interface DeadLetter extends Rejection {
  /** The original bytes, exactly as received. */
  value: Buffer | null;
  key?: Buffer | string | null;
  /** The original headers; kept as headers of the dead letter. */
  headers?: KafkaHeaders;
  origin: EventOrigin;
}

export interface DeadLetterWriter {
  /** Resolves once Kafka acknowledged the dead letter (acks=all); throws when Kafka is unavailable. */
  write(letter: DeadLetter): Promise<void>;
}

/** Header names the dead letter carries besides the original headers. */
export const DLQ_HEADERS = {
  reasonCode: 'dlq.reason_code',
  reason: 'dlq.reason',
  source: 'dlq.source',
  topic: 'dlq.original_topic',
  partition: 'dlq.original_partition',
  offset: 'dlq.original_offset',
  timestamp: 'dlq.original_timestamp',
  eventId: 'dlq.event_id',
  deadLetteredAt: 'dlq.dead_lettered_at',
  truncated: 'dlq.truncated_from_bytes',
} as const;

/**
 * Writes dead letters: the ORIGINAL bytes as the value (so a fixed consumer can replay them
 * as they were), the original key and headers, plus `dlq.*` headers saying where the message
 * came from and why it was rejected.
 */
export function createDeadLetterWriter(
  producer: KafkaProducer,
  topic: string,
  fallbackBytes: number,
): DeadLetterWriter {
  function headersFor(letter: DeadLetter): KafkaHeaders {
    const h: KafkaHeaders = { ...(letter.headers ?? {}) };
    h[DLQ_HEADERS.reasonCode] = letter.reason;
    h[DLQ_HEADERS.reason] = letter.detail;
    h[DLQ_HEADERS.deadLetteredAt] = new Date().toISOString();
    if (letter.eventId) h[DLQ_HEADERS.eventId] = letter.eventId;
    const { origin } = letter;
    if (origin.source === 'kafka') {
      h[DLQ_HEADERS.source] = 'kafka';
      h[DLQ_HEADERS.topic] = String(origin.topic);
      h[DLQ_HEADERS.partition] = String(origin.partition);
      h[DLQ_HEADERS.offset] = String(origin.offset);
      if (Number.isFinite(origin.producedAtMs)) h[DLQ_HEADERS.timestamp] = String(origin.producedAtMs);
    } else {
      h[DLQ_HEADERS.source] = `http ${origin.path}`;
    }
    return h;
  }

  return {
    async write(letter) {
      const headers = headersFor(letter);
      try {
        await producer.send(topic, [{ key: letter.key ?? null, value: letter.value, headers }]);
      } catch (err) {
        // A message larger than the broker accepts can still be dead-lettered: keep its head and say so.
        if (!(err instanceof KafkaMessageTooLargeError) || !letter.value) throw err;
        const value = letter.value.subarray(0, fallbackBytes);
        headers[DLQ_HEADERS.truncated] = String(letter.value.length);
        await producer.send(topic, [{ key: letter.key ?? null, value, headers }]);
      }
    },
  };
}
