import { z } from 'zod';

/**
 * The events that arrive on Kafka (or the HTTP way in), as SPEC §1 describes them.
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

/** ISO-8601 with an explicit offset (Z or ±hh:mm): a time without a zone is ambiguous. */
const timestamp = z.iso.datetime({ offset: true, local: false });

const envelope = z.object({
  event_id: z.uuid(),
  event_type: z.string().min(1),
  timestamp,
  source: z.string().min(1).default('unknown'),
});

/** Severity stays a free string here: an unknown label becomes MEDIUM in the policy, never a rejection. */
const severity = z.string().optional();
const modelName = z.string().min(1).max(200);

/** `model_version` may be `name@version`; the version part is kept. */
const modelVersion = z
  .union([z.string(), z.number()])
  .transform((v) => {
    const s = String(v);
    return s.includes('@') ? s.slice(s.lastIndexOf('@') + 1) : s;
  })
  .optional();

export const driftEventSchema = envelope.extend({
  event_type: z.literal('data_drift_detected'),
  model_name: modelName,
  model_version: modelVersion,
  drift_score: z.number().min(0).max(1),
  affected_features: z.array(z.string()).default([]),
  severity,
});

export const degradationEventSchema = envelope.extend({
  event_type: z.literal('model_performance_degraded'),
  model_name: modelName,
  model_version: modelVersion,
  current_performance: z.number(),
  baseline_performance: z.number(),
  performance_drop: z.number(),
  action_required: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['NONE', 'RETRAIN', 'ROLLBACK']))
    .optional(),
  severity,
});

/** Overload, latency, health-check events and any other model/system event type. */
export const systemEventSchema = envelope.extend({
  model_name: modelName,
  model_version: modelVersion,
  service_name: z.string().min(1).optional(),
  severity,
  metrics: z.record(z.string(), z.unknown()).optional(),
});

export const videoEventSchema = envelope
  .extend({
    event_type: z.enum(VIDEO_EVENT_TYPES),
    video_id: z.string().min(1).max(512).optional(),
    object_key: z.string().min(1).max(1024).optional(),
    bucket: z.string().min(1).optional(),
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
