import { clipText } from '../clip-text';
import { MODEL_EVENT_TYPES, VIDEO_EVENT_TYPES } from '../events';
import { snakeCase } from './snake-case';

/**
 * CloudEvents 1.0 (the envelope of Knative, Argo Events and most event routers) in its two
 * modes: structured (the whole event is the JSON body, with `specversion`) and binary (the
 * attributes travel as `ce_*` Kafka headers or `ce-*` HTTP headers, the body is `data`).
 */
export interface CloudEventAttributes {
  mode: 'structured' | 'binary';
  specversion: string;
  id?: string;
  source?: string;
  type?: string;
  time?: string;
  subject?: string;
}

export type CloudEventUnwrap =
  { ok: true; payload: unknown; cloudEvent?: CloudEventAttributes } | { ok: false; reason: string };

const ATTRIBUTES = ['id', 'source', 'type', 'time', 'subject'] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkVersion(specversion: unknown): string | undefined {
  if (typeof specversion !== 'string' || !/^1(\.\d+)?$/.test(specversion)) {
    return `CloudEvents specversion ${clipText(JSON.stringify(specversion) ?? String(specversion))} is not supported: expected "1.0"`;
  }
  return undefined;
}

function attributesFrom(
  read: (name: string) => unknown,
  mode: CloudEventAttributes['mode'],
): CloudEventAttributes {
  const attributes: CloudEventAttributes = { mode, specversion: String(read('specversion')) };
  for (const name of ATTRIBUTES) {
    const value = read(name);
    if (typeof value === 'string' && value !== '') attributes[name] = value;
  }
  return attributes;
}

/** `data_base64` carrying JSON text (a router that base64s everything): decoded, else refused. */
function decodeBase64Json(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    const binary = atob(text);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return { ok: false, reason: 'CloudEvents data_base64 is not base64-encoded JSON text' };
  }
}

/**
 * Recognises a CloudEvent and returns its data with its attributes; anything else comes back
 * unchanged. `headers` are the transport's headers with lower-case names (Kafka `ce_type`,
 * HTTP `ce-type`); binary mode is recognised by a `specversion` header.
 */
export function unwrapCloudEvent(
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): CloudEventUnwrap {
  const header = (name: string) => headers[`ce_${name}`] ?? headers[`ce-${name}`];
  if (header('specversion') !== undefined) {
    const problem = checkVersion(header('specversion'));
    if (problem) return { ok: false, reason: problem };
    return { ok: true, payload: body, cloudEvent: attributesFrom(header, 'binary') };
  }
  if (!isObject(body) || !('specversion' in body)) return { ok: true, payload: body };
  const problem = checkVersion(body.specversion);
  if (problem) return { ok: false, reason: problem };
  const cloudEvent = attributesFrom((name) => body[name], 'structured');
  if (typeof body.data_base64 === 'string') {
    const decoded = decodeBase64Json(body.data_base64);
    return decoded.ok ? { ok: true, payload: decoded.value, cloudEvent } : decoded;
  }
  return { ok: true, payload: body.data ?? {}, cloudEvent };
}

const OUR_TYPES: readonly string[] = [...MODEL_EVENT_TYPES, ...VIDEO_EVENT_TYPES];

/**
 * Our event type for a CloudEvents `type`: the configured mapping first, else a suffix match
 * on our type names (`com.acme.ml.data_drift_detected` and `io.acme.DataDriftDetected` are both
 * `data_drift_detected`); undefined when neither applies.
 */
export function eventTypeOfCloudEventType(
  type: string,
  mapping: Readonly<Record<string, string>>,
): { eventType: string; how: string } | undefined {
  const mapped = mapping[type];
  if (mapped) return { eventType: mapped, how: `mapped by CLOUDEVENTS_TYPE_MAP` };
  const snake = snakeCase(type);
  const match = OUR_TYPES.find((ours) => snake === ours || snake.endsWith(`_${ours}`));
  return match ? { eventType: match, how: 'suffix match on our event types' } : undefined;
}
