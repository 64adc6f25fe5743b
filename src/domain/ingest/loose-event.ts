import {
  degradationEventSchema,
  driftEventSchema,
  serviceSubject,
  systemEventSchema,
  videoEventSchema,
} from '../events';
import type { CloudEventAttributes } from './cloudevents';
import { eventTypeOfCloudEventType } from './cloudevents';
import { readTimestamp } from './timestamps';
import { snakeCase } from './snake-case';

/**
 * The reference producer's events and their looser cousins, brought to the envelope our strict
 * schemas check (README "Events as producers write them"): missing values read as the reference
 * reads them, each assumption written down so the decision's reason can say it.
 */

export type JsonObject = Record<string, unknown>;

export interface LooseEventContext {
  family: 'model' | 'video';
  producerTimeZone: string;
  cloudEventTypes: Readonly<Record<string, string>>;
  cloudEvent?: CloudEventAttributes;
  /** A stable id for an event that has none, and what it was derived from. */
  fallbackId: { id: string; from: string };
  /** When the transport received the message, for an event that carries no time at all. */
  receivedAt?: { iso: string; from: string };
  /** A model named by the transport (a Kafka header, an HTTP query parameter). */
  modelHint?: { name: string; from: string };
}

export type LooseEventResult =
  | { ok: true; json: JsonObject; assumptions: string[] }
  | { ok: false; reason: 'schema_violation' | 'unroutable'; detail: string; eventId?: string };

/** The fields our schemas define; `assumptions` and `extras` are the product's own, so a producer's are extras. */
const schemaKeys = (...schemas: Array<{ shape: object }>) =>
  new Set(
    schemas
      .flatMap((schema) => Object.keys(schema.shape))
      .filter((k) => k !== 'assumptions' && k !== 'extras'),
  );
const KNOWN_KEYS = {
  model: schemaKeys(driftEventSchema, degradationEventSchema, systemEventSchema),
  video: schemaKeys(videoEventSchema),
};
/** Extra fields beyond this (serialised) are summarised: they travel in workflow state and the audit. */
const MAX_EXTRAS_CHARS = 8192;

const isPresent = (v: unknown) => v !== undefined && v !== null && v !== '';

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

type Step = { ok: true; value: unknown } | { ok: false; detail: string };

function eventIdOf(json: JsonObject, ctx: LooseEventContext, assumptions: string[]): Step {
  const id = json.event_id;
  if (typeof id === 'string' && id.trim() !== '') return { ok: true, value: id.trim() };
  if (typeof id === 'number' && Number.isFinite(id)) {
    assumptions.push(`event_id ${id} read as the text "${id}"`);
    return { ok: true, value: String(id) };
  }
  if (isPresent(id) || id === '') {
    return {
      ok: false,
      detail: `event_id: expected a non-empty string, got ${id === '' ? 'an empty string' : describe(id)}`,
    };
  }
  if (ctx.cloudEvent?.id) return { ok: true, value: ctx.cloudEvent.id };
  assumptions.push(
    `no event_id: ${ctx.fallbackId.id} derived from ${ctx.fallbackId.from}, so a redelivery is still a duplicate`,
  );
  return { ok: true, value: ctx.fallbackId.id };
}

function timestampOf(json: JsonObject, ctx: LooseEventContext, assumptions: string[]): Step {
  const given = isPresent(json.timestamp) ? json.timestamp : ctx.cloudEvent?.time;
  if (given === undefined) {
    if (!ctx.receivedAt)
      return { ok: false, detail: 'timestamp: missing (the event says nothing of when it happened)' };
    assumptions.push(`no timestamp: ${ctx.receivedAt.from} (${ctx.receivedAt.iso}) used`);
    return { ok: true, value: ctx.receivedAt.iso };
  }
  const reading = readTimestamp(given, ctx.producerTimeZone);
  if (!reading.ok) return { ok: false, detail: reading.reason };
  if (reading.assumption) assumptions.push(reading.assumption);
  return { ok: true, value: reading.iso };
}

function eventTypeOf(json: JsonObject, ctx: LooseEventContext, assumptions: string[]): Step {
  if (isPresent(json.event_type)) return { ok: true, value: json.event_type };
  const ceType = ctx.cloudEvent?.type;
  if (!ceType) return { ok: false, detail: 'event_type: missing' };
  const ours = eventTypeOfCloudEventType(ceType, ctx.cloudEventTypes);
  const eventType = ours?.eventType ?? snakeCase(ceType.split(/[./:]/).pop() ?? ceType);
  assumptions.push(
    ours
      ? `event_type ${eventType} from CloudEvents type ${ceType} (${ours.how})`
      : `CloudEvents type ${ceType} matches none of our event types: read as ${eventType}`,
  );
  return { ok: true, value: eventType };
}

/** The model an event is about, by the first of: model_name, model_version name@version, the
 * CloudEvents subject, the transport's hint, and — for a system event — its service. */
function subjectOf(json: JsonObject, ctx: LooseEventContext, assumptions: string[]): Step {
  if (isPresent(json.model_name)) return { ok: true, value: json.model_name };
  const version = json.model_version;
  if (typeof version === 'string' && version.lastIndexOf('@') > 0) {
    const name = version.slice(0, version.lastIndexOf('@'));
    assumptions.push(`model_name ${name} taken from model_version ${version}`);
    return { ok: true, value: name };
  }
  if (ctx.cloudEvent?.subject) {
    assumptions.push(`model_name ${ctx.cloudEvent.subject} taken from the CloudEvents subject`);
    return { ok: true, value: ctx.cloudEvent.subject };
  }
  if (ctx.modelHint) {
    assumptions.push(`model_name ${ctx.modelHint.name} taken from ${ctx.modelHint.from}`);
    return { ok: true, value: ctx.modelHint.name };
  }
  const aboutModelData =
    json.event_type === 'data_drift_detected' || json.event_type === 'model_performance_degraded';
  if (!aboutModelData && typeof json.service_name === 'string' && json.service_name.trim() !== '') {
    assumptions.push(
      `names no model: about service ${json.service_name}, which has its own guardian and cooldowns`,
    );
    return { ok: true, value: serviceSubject(json.service_name) };
  }
  return {
    ok: false,
    detail:
      'names no model (model_name, model_version as name@version, a CloudEvents subject, the Kafka header model_name or the HTTP query parameter model_name), no service (service_name) and no video (video_id / object_key): nothing to route by',
  };
}

/** Missing numbers read as the reference reads them; a degradation's drop may come from its two metrics. */
function fillNumbers(json: JsonObject, out: JsonObject, assumptions: string[]): void {
  const defaultTo = (key: string, value: unknown, shown: string) => {
    if (json[key] !== undefined && json[key] !== null) return;
    out[key] = value;
    assumptions.push(`no ${key}: read as ${shown}, as the reference producer's consumer does`);
  };
  if (out.event_type === 'data_drift_detected') {
    defaultTo('drift_score', 0, '0');
    defaultTo('affected_features', [], 'no features');
  }
  if (out.event_type === 'model_performance_degraded' && (json.performance_drop ?? null) === null) {
    const { current_performance: current, baseline_performance: baseline } = json;
    if (typeof current === 'number' && typeof baseline === 'number') {
      const drop = Math.round((baseline - current) * 1e9) / 1e9;
      out.performance_drop = drop;
      assumptions.push(
        `no performance_drop: ${drop} derived as baseline_performance ${baseline} − current_performance ${current}`,
      );
    } else defaultTo('performance_drop', 0, '0');
  }
}

/**
 * Unknown fields travel with the event into the audit record, bounded. Fields named like the
 * ones the product adds (`assumptions`, `extras`) are the producer's, so they are extras too.
 */
function extrasOf(
  json: JsonObject,
  family: LooseEventContext['family'],
): { keys: string[]; value?: JsonObject } {
  const known = KNOWN_KEYS[family];
  const extras = Object.fromEntries(Object.entries(json).filter(([key]) => !known.has(key)));
  const keys = Object.keys(extras);
  if (keys.length === 0) return { keys };
  const size = JSON.stringify(extras).length;
  if (size <= MAX_EXTRAS_CHARS) return { keys, value: extras };
  return {
    keys,
    value: {
      omitted: `${size} characters of extra fields, over ${MAX_EXTRAS_CHARS}`,
      keys: keys.slice(0, 50),
    },
  };
}

/** Brings a loose event to the strict envelope (the strict schema still checks every value). */
export function normalizeLooseEvent(json: JsonObject, ctx: LooseEventContext): LooseEventResult {
  const assumptions: string[] = [];
  const out: JsonObject = { ...json };
  const steps: Array<[string, (j: JsonObject, c: LooseEventContext, a: string[]) => Step]> = [
    ['event_id', eventIdOf],
    ['timestamp', timestampOf],
    ['event_type', eventTypeOf],
  ];
  if (ctx.family === 'model') steps.push(['model_name', subjectOf]);
  for (const [key, step] of steps) {
    // Each step sees what the steps before it settled (the subject depends on the event type).
    const result = step(out, ctx, assumptions);
    if (!result.ok) {
      const eventId = typeof out.event_id === 'string' ? out.event_id : undefined;
      const reason = key === 'model_name' ? ('unroutable' as const) : ('schema_violation' as const);
      return { ok: false, reason, detail: result.detail, ...(eventId ? { eventId } : {}) };
    }
    out[key] = result.value;
  }
  if (!isPresent(out.source) && ctx.cloudEvent?.source) out.source = ctx.cloudEvent.source;
  if (ctx.family === 'model') fillNumbers(json, out, assumptions);
  const extras = extrasOf(json, ctx.family);
  for (const key of extras.keys) delete out[key];
  if (extras.value && ctx.family === 'model') out.extras = extras.value;
  if (assumptions.length > 0) out.assumptions = assumptions;
  return { ok: true, json: out, assumptions };
}
