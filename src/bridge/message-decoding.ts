import type { KafkaHeaders } from '../clients/kafka-client';
import { deterministicUuid } from '../backends/deterministic-id';
import type { RoutingSettings } from './event-routing';
import type { Rejection } from './dead-letter-reason';
import { EventFamily, routeEvent, RouteResult } from './event-routing';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where each input topic's events go. */
export type TopicFamilies = ReadonlyMap<string, EventFamily>;

/** Bytes → JSON value, or why not. The size limit is checked first so a huge message is never parsed. */
export function decodeJson(
  value: Buffer | null | undefined,
  maxBytes: number,
): { ok: true; json: unknown } | ({ ok: false } & Rejection) {
  if (value === null || value === undefined || value.length === 0) {
    return { ok: false, reason: 'malformed_json', detail: 'the message has no value (empty or a tombstone)' };
  }
  if (value.length > maxBytes) {
    return {
      ok: false,
      reason: 'oversized',
      detail: `the message is ${value.length} bytes, over the limit of ${maxBytes} (BRIDGE_MAX_MESSAGE_BYTES)`,
    };
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { ok: false, reason: 'malformed_json', detail: 'the message is not valid UTF-8 text' };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (err) {
    return {
      ok: false,
      reason: 'malformed_json',
      detail: `the message is not JSON: ${(err as Error).message}`,
    };
  }
}

/** Kafka headers as text with lower-case names (first value of a repeated header). */
export function headerText(headers: KafkaHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) text[name.toLowerCase()] = value.toString();
  }
  return text;
}

export interface KafkaMessageView {
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null | undefined;
  headers?: KafkaHeaders;
  /** Epoch ms as text, as the Kafka clients give it. */
  timestamp?: string;
}

function messageTime(timestamp: string | undefined): string | undefined {
  const ms = Number(timestamp);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/** The whole decision for one Kafka message: size check, JSON parse, route by topic, read and validate. */
export function classifyMessage(
  message: KafkaMessageView,
  families: TopicFamilies,
  maxBytes: number,
  ingest: RoutingSettings,
): RouteResult {
  const { topic, partition, offset } = message;
  const family = families.get(topic);
  if (!family) {
    return {
      ok: false,
      reason: 'unroutable',
      detail: `topic ${topic} is not an input topic of the bridge`,
    };
  }
  const decoded = decodeJson(message.value, maxBytes);
  if (!decoded.ok) return decoded;
  const receivedAt = messageTime(message.timestamp);
  return routeEvent(
    {
      body: decoded.json,
      headers: headerText(message.headers),
      family,
      // The message's place in the log is its identity: a redelivery has the same one.
      fallbackId: {
        id: deterministicUuid('kafka-message', topic, String(partition), offset),
        from: `Kafka message ${topic}/${partition}@${offset}`,
      },
      receivedAt: receivedAt ? { iso: receivedAt, from: 'the Kafka message timestamp' } : undefined,
    },
    ingest,
  );
}
