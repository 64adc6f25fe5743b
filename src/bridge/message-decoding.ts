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

/** The whole decision for one Kafka message: size check, JSON parse, route by topic, validate. */
export function classifyMessage(
  message: { topic: string; value: Buffer | null | undefined },
  families: TopicFamilies,
  maxBytes: number,
): RouteResult {
  const family = families.get(message.topic);
  if (!family) {
    return {
      ok: false,
      reason: 'unroutable',
      detail: `topic ${message.topic} is not an input topic of the bridge`,
    };
  }
  const decoded = decodeJson(message.value, maxBytes);
  if (!decoded.ok) return decoded;
  return routeEvent(decoded.json, family);
}
