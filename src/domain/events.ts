import { z } from 'zod';

/**
 * The events that arrive on Kafka (or the HTTP way in), as the README's "Kafka bridge" section describes them.
 * Pure schemas: imported by the bridge (validation), workflows (types) and `simulate`.
 */

export const MODEL_EVENT_TYPES = [
  'data_drift_detected',
  'model_performance_degraded',
  'system_overload',
  'prediction_latency_high',
  'service_health_check_failed',
] as const;
export type KnownModelEventType = (typeof MODEL_EVENT_TYPES)[number];

export const VIDEO_EVENT_TYPES = ['video_uploaded', 'video_analysis_requested'] as const;

/**
 * ISO-8601 with an explicit offset (Z or ±hh:mm). Producers' looser forms (naive wall times,
 * epoch numbers) are read into this form first, by src/domain/ingest.
 */
const timestamp = z.iso.datetime({ offset: true, local: false });

/** Longest value of each text field an event may carry, in UTF-16 code units (checked at ingest). */
export const TEXT_LIMITS = {
  event_id: 256,
  event_type: 100,
  source: 200,
  severity: 32,
  model_name: 200,
  model_version: 200,
  service_name: 200,
  video_id: 512,
  object_key: 1024,
  bucket: 255,
  feature: 200,
} as const;

/** The most JSON text a system event's `metrics` object may take (checked at ingest and by the guardian). */
export const MAX_METRICS_JSON_CHARS = 8192;

/**
 * The largest model event a guardian accepts, as JSON (UTF-8 bytes). Each field has its own limit;
 * this bounds their sum (a thousand long feature names), since a guardian carries queued events
 * from one run to the next inside Temporal's payload limit.
 */
export const MAX_MODEL_EVENT_BYTES = 64 * 1024;

/** A text field no longer than its limit in TEXT_LIMITS (the message names the limit). */
function text(field: keyof typeof TEXT_LIMITS) {
  const max = TEXT_LIMITS[field];
  return z.string().max(max, `longer than the limit of ${max} characters`);
}

/** What the product assumed to read a loose event (quoted in the decision's reason). */
const assumptions = z.array(z.string().max(1000)).max(32).optional();

const envelope = z.object({
  /** Any non-empty string: UUIDs of every variant, ULIDs, Kafka keys. */
  event_id: z
    .string()
    .trim()
    .min(1)
    .max(TEXT_LIMITS.event_id, `longer than the limit of ${TEXT_LIMITS.event_id} characters`),
  event_type: text('event_type').min(1),
  timestamp,
  source: text('source').min(1).default('unknown'),
  assumptions,
});

/** The guardian subject of a system event that names a service but no model. */
export const SERVICE_SUBJECT_PREFIX = 'service:';

export function serviceSubject(serviceName: string): string {
  return `${SERVICE_SUBJECT_PREFIX}${serviceName}`;
}

/** The service a `service:<name>` subject is about; undefined for a model. */
export function serviceOfSubject(subject: string): string | undefined {
  return subject.startsWith(SERVICE_SUBJECT_PREFIX)
    ? subject.slice(SERVICE_SUBJECT_PREFIX.length)
    : undefined;
}

/** Severity stays a free string here: an unknown label becomes MEDIUM in the policy, never a rejection. */
const severity = text('severity').optional();
const modelName = text('model_name').min(1);
/** Unknown fields of the producer's event, kept for the audit record (bounded when read). */
const extras = z.record(z.string(), z.unknown()).optional();

/** `service:<name>` names a service subject: it must be the event's own service. */
function servicePrefixMatches(e: { model_name: string; service_name?: string }): boolean {
  const service = serviceOfSubject(e.model_name);
  return service === undefined || service === e.service_name;
}
const servicePrefixRule = {
  message: `a model_name starting with '${SERVICE_SUBJECT_PREFIX}' names a service subject and must be '${SERVICE_SUBJECT_PREFIX}' + service_name`,
  path: ['model_name'],
};

/** `model_version` may be `name@version`; the version part is kept. */
const modelVersion = z
  .union([text('model_version'), z.number()])
  .transform((v) => {
    const s = String(v);
    return s.includes('@') ? s.slice(s.lastIndexOf('@') + 1) : s;
  })
  .optional();

export const driftEventSchema = envelope
  .extend({
    event_type: z.literal('data_drift_detected'),
    model_name: modelName,
    model_version: modelVersion,
    drift_score: z.number().min(0).max(1),
    affected_features: z.array(text('feature')).default([]),
    severity,
    extras,
  })
  .refine(servicePrefixMatches, servicePrefixRule);

export const degradationEventSchema = envelope
  .extend({
    event_type: z.literal('model_performance_degraded'),
    model_name: modelName,
    model_version: modelVersion,
    current_performance: z.number().optional(),
    baseline_performance: z.number().optional(),
    performance_drop: z.number(),
    action_required: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(['NONE', 'RETRAIN', 'ROLLBACK']))
      .optional(),
    severity,
    extras,
  })
  .refine(servicePrefixMatches, servicePrefixRule);

/** Overload, latency, health-check events and any other model/system event type. */
export const systemEventSchema = envelope
  .extend({
    model_name: modelName,
    model_version: modelVersion,
    service_name: text('service_name').min(1).optional(),
    severity,
    metrics: z
      .record(z.string(), z.unknown())
      .refine((m) => JSON.stringify(m).length <= MAX_METRICS_JSON_CHARS, {
        message: `more than ${MAX_METRICS_JSON_CHARS} characters as JSON`,
      })
      .optional(),
    extras,
  })
  .refine(servicePrefixMatches, servicePrefixRule);

export const videoEventSchema = envelope
  .extend({
    event_type: z.enum(VIDEO_EVENT_TYPES),
    video_id: text('video_id').min(1).optional(),
    object_key: text('object_key').min(1).optional(),
    bucket: text('bucket').min(1).optional(),
    /** Explicit re-analysis of a video that was analysed before. */
    reanalyze: z.boolean().optional(),
  })
  .refine((e) => e.video_id !== undefined || e.object_key !== undefined, {
    message: 'a video event needs video_id or object_key',
    path: ['video_id'],
  });

export type DriftEvent = z.infer<typeof driftEventSchema>;
export type DegradationEvent = z.infer<typeof degradationEventSchema>;
export type SystemEvent = z.infer<typeof systemEventSchema>;
export type ModelEvent = DriftEvent | DegradationEvent | SystemEvent;
export type VideoEvent = z.infer<typeof videoEventSchema>;

export type ParseResult<T> = { ok: true; event: T } | { ok: false; reason: string };

/** One readable line per problem: `drift_score: Too big: expected number to be <=1`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`).join('; ');
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const parsed = schema.safeParse(input);
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, reason: describeZodError(parsed.error) };
}

/** Validates a model/system event by its event_type; unknown types are valid if they name a model. */
export function parseModelEvent(input: unknown): ParseResult<ModelEvent> {
  const type = (input as { event_type?: unknown } | null)?.event_type;
  if (type === 'data_drift_detected') return parseWith(driftEventSchema, input);
  if (type === 'model_performance_degraded') return parseWith(degradationEventSchema, input);
  return parseWith(systemEventSchema, input);
}

export function parseVideoEvent(input: unknown): ParseResult<VideoEvent> {
  return parseWith(videoEventSchema, input);
}

export function isDriftEvent(e: ModelEvent): e is DriftEvent {
  return e.event_type === 'data_drift_detected';
}

export function isDegradationEvent(e: ModelEvent): e is DegradationEvent {
  return e.event_type === 'model_performance_degraded';
}
