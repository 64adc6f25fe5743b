import {
  MAX_MODEL_EVENT_BYTES,
  type ModelEvent,
  TEXT_LIMITS,
  parseModelEvent,
  parseVideoEvent,
  VIDEO_EVENT_TYPES,
  type VideoEvent,
} from '../events';
import { unwrapCloudEvent } from './cloudevents';
import { readDriftReport } from './drift-reports';
import { type JsonObject, normalizeLooseEvent } from './loose-event';
import { modelNameRefusal, type ModelNameRule } from './model-name-rule';
import { unsafeFieldOf } from './safe-text';
import { jsonBytes } from '../json-bytes';

/**
 * The one reader of incoming events, shared by the Kafka bridge, the HTTP way in and
 * `simulate`, so the three can never disagree: CloudEvents are unwrapped, drift tools' reports
 * become drift events, loose events are read as the reference producer means them, and the
 * result is checked by the strict schemas of src/domain/events.ts.
 */

/** Which workflow family an event feeds. */
export type EventFamily = 'model' | 'video';

export interface IncomingEvent {
  /** The decoded JSON body (the Kafka message value, the HTTP body, a JSONL line). */
  body: unknown;
  /** Transport headers with lower-case names: CloudEvents binary mode, the model hint. */
  headers?: Readonly<Record<string, string>>;
  /** From the Kafka topic; undefined (HTTP, simulate) means "infer from the content". */
  family?: EventFamily;
  /** A stable id for an event that carries none, and what it was derived from. */
  fallbackId: { id: string; from: string };
  /** When the transport received the message (Kafka message timestamp, HTTP arrival). */
  receivedAt?: { iso: string; from: string };
  /** A model named outside the body (an HTTP query parameter); Kafka's come from `headers`. */
  modelHint?: { name: string; from: string };
}

export interface IngestSettings {
  /** Zone of timestamps written without an offset (PRODUCER_TIME_ZONE, default TIME_ZONE). */
  producerTimeZone: string;
  /** CloudEvents `type` → our event type (CLOUDEVENTS_TYPE_MAP). */
  cloudEventTypes: Readonly<Record<string, string>>;
  /** Which names may have a guardian (GUARDIAN_MODELS / GUARDIAN_MODEL_PATTERN); unset: all. */
  modelNames?: ModelNameRule;
}

export type IngestRejection = {
  reason: 'schema_violation' | 'field_too_long' | 'oversized' | 'unroutable' | 'model_not_allowed';
  detail: string;
  eventId?: string;
};

export type ReadEventResult =
  | { ok: true; family: 'model'; event: ModelEvent }
  | { ok: true; family: 'video'; event: VideoEvent }
  | ({ ok: false } & IngestRejection);

/** Kafka headers that may name the model of a report that does not (drift tools' output). */
const MODEL_HEADERS = ['model_name', 'model'];

const isPresent = (v: unknown) => v !== undefined && v !== null && v !== '';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

function eventIdOf(json: JsonObject): string | undefined {
  return typeof json.event_id === 'string' && json.event_id !== '' ? json.event_id : undefined;
}

/** Content-based family for events without a topic (the HTTP way in, simulate). */
function inferFamily(json: JsonObject, hinted: boolean): EventFamily | undefined {
  if ((VIDEO_EVENT_TYPES as readonly unknown[]).includes(json.event_type)) return 'video';
  if (['model_name', 'model_version', 'service_name'].some((k) => isPresent(json[k])) || hinted)
    return 'model';
  if (isPresent(json.video_id) || isPresent(json.object_key)) return 'video';
  return undefined;
}

function modelHintOf(incoming: IncomingEvent): IncomingEvent['modelHint'] {
  if (incoming.modelHint) return incoming.modelHint;
  const header = MODEL_HEADERS.find((name) => isPresent(incoming.headers?.[name]));
  return header ? { name: incoming.headers![header], from: `the Kafka header ${header}` } : undefined;
}

/** An event id over its limit is not quoted: it would travel into dead-letter headers and logs. */
const reject = (reason: IngestRejection['reason'], detail: string, eventId?: string): ReadEventResult => ({
  ok: false,
  reason,
  detail,
  ...(eventId && eventId.length <= TEXT_LIMITS.event_id ? { eventId } : {}),
});

/** Reads one incoming event: unwrap, recognise, normalise, validate. */
export function readEvent(incoming: IncomingEvent, settings: IngestSettings): ReadEventResult {
  const unwrapped = unwrapCloudEvent(incoming.body, incoming.headers);
  if (!unwrapped.ok) return reject('schema_violation', unwrapped.reason);
  const { cloudEvent } = unwrapped;
  if (!isObject(unwrapped.payload)) {
    const what = cloudEvent ? 'CloudEvents data' : 'the message';
    return reject(
      'schema_violation',
      `expected a JSON object (an event) as ${what}, got ${describe(unwrapped.payload)}`,
    );
  }
  const report = readDriftReport(unwrapped.payload);
  if (report && !report.ok) return reject('schema_violation', report.reason, eventIdOf(unwrapped.payload));
  const payload = report ? report.event : unwrapped.payload;

  const modelHint = modelHintOf(incoming);
  const hinted = modelHint !== undefined || cloudEvent?.subject !== undefined;
  const family = incoming.family ?? (report ? 'model' : inferFamily(payload, hinted));
  if (!family) {
    return reject(
      'unroutable',
      'the event names neither a model (model_name, model_version as name@version, service_name) nor a video (video_id / object_key)',
      eventIdOf(payload),
    );
  }
  if (family === 'video' && !isPresent(payload.video_id) && !isPresent(payload.object_key)) {
    return reject(
      'unroutable',
      'no video_id or object_key: a video event must name the uploaded video',
      eventIdOf(payload),
    );
  }

  const loose = normalizeLooseEvent(payload, {
    family,
    producerTimeZone: settings.producerTimeZone,
    cloudEventTypes: settings.cloudEventTypes,
    cloudEvent,
    fallbackId: incoming.fallbackId,
    receivedAt: incoming.receivedAt,
    modelHint,
  });
  if (!loose.ok) return reject(loose.reason, loose.detail, loose.eventId);
  // Checked on what the producer wrote (before the model version is cut from name@version).
  const unsafe = unsafeFieldOf(loose.json);
  if (unsafe) {
    return reject(
      unsafe.tooLong ? 'field_too_long' : 'schema_violation',
      unsafe.detail,
      eventIdOf(loose.json),
    );
  }
  const json = report
    ? { ...loose.json, assumptions: [...report.assumptions, ...loose.assumptions] }
    : loose.json;

  if (family === 'video') {
    const parsed = parseVideoEvent(json);
    return parsed.ok
      ? { ok: true, family, event: parsed.event }
      : reject('schema_violation', parsed.reason, eventIdOf(json));
  }
  const parsed = parseModelEvent(json);
  if (!parsed.ok) return reject('schema_violation', parsed.reason, eventIdOf(json));
  // Every field is within its limit; their sum must fit what a guardian accepts and carries.
  const bytes = jsonBytes(parsed.event);
  if (bytes > MAX_MODEL_EVENT_BYTES) {
    return reject(
      'oversized',
      `the event is ${bytes} bytes as read, over the limit of ${MAX_MODEL_EVENT_BYTES} a guardian accepts`,
      parsed.event.event_id,
    );
  }
  const refusal = modelNameRefusal(parsed.event.model_name, settings.modelNames);
  if (refusal) return reject('model_not_allowed', refusal, parsed.event.event_id);
  return { ok: true, family, event: parsed.event };
}
