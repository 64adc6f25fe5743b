import {
  ModelEvent,
  parseModelEvent,
  parseVideoEvent,
  VIDEO_EVENT_TYPES,
  VideoEvent,
} from '../domain/events';
import {
  guardianWorkflowId,
  VideoAnalysisInput,
  videoKey,
  videoWorkflowId,
} from '../domain/workflow-contracts';
import type { Rejection } from './dead-letter-reason';

/** Which workflow family a topic feeds. */
export type EventFamily = 'model' | 'video';

/** What to tell Temporal for one valid event. `workflowId` is also the per-key ordering key. */
export type Delivery =
  | { workflow: 'guardian'; workflowId: string; modelName: string; event: ModelEvent }
  | { workflow: 'video'; workflowId: string; input: VideoAnalysisInput; event: VideoEvent };

export type RouteResult = { ok: true; delivery: Delivery } | ({ ok: false } & Rejection);

type JsonObject = Record<string, unknown>;

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function eventIdOf(json: JsonObject): string | undefined {
  return typeof json.event_id === 'string' ? json.event_id : undefined;
}

/** Content-based family for events without a topic (the HTTP way in). */
function inferFamily(json: JsonObject): EventFamily | undefined {
  if ((VIDEO_EVENT_TYPES as readonly unknown[]).includes(json.event_type)) return 'video';
  if (isPresent(json.model_name)) return 'model';
  if (isPresent(json.video_id) || isPresent(json.object_key)) return 'video';
  return undefined;
}

function routeModelEvent(json: JsonObject): RouteResult {
  // SPEC §1: an unknown event_type is valid as long as it names a model; only no model at all is unroutable.
  if (!isPresent(json.model_name)) {
    return {
      ok: false,
      reason: 'unroutable',
      detail: 'no model_name: a model/system event must name the model it is about',
      eventId: eventIdOf(json),
    };
  }
  const parsed = parseModelEvent(json);
  if (!parsed.ok)
    return { ok: false, reason: 'schema_violation', detail: parsed.reason, eventId: eventIdOf(json) };
  const event = parsed.event;
  return {
    ok: true,
    delivery: {
      workflow: 'guardian',
      workflowId: guardianWorkflowId(event.model_name),
      modelName: event.model_name,
      event,
    },
  };
}

function routeVideoEvent(json: JsonObject): RouteResult {
  if (!isPresent(json.video_id) && !isPresent(json.object_key)) {
    return {
      ok: false,
      reason: 'unroutable',
      detail: 'no video_id or object_key: a video event must name the uploaded video',
      eventId: eventIdOf(json),
    };
  }
  const parsed = parseVideoEvent(json);
  if (!parsed.ok)
    return { ok: false, reason: 'schema_violation', detail: parsed.reason, eventId: eventIdOf(json) };
  const event = parsed.event;
  const key = videoKey(event);
  const input: VideoAnalysisInput = {
    videoKey: key,
    videoId: event.video_id,
    objectKey: event.object_key,
    bucket: event.bucket,
    eventId: event.event_id,
    reanalyze: event.reanalyze,
  };
  return { ok: true, delivery: { workflow: 'video', workflowId: videoWorkflowId(key), input, event } };
}

/**
 * Validates a decoded JSON value and decides where it goes. `family` comes from the topic;
 * without one (HTTP) it is inferred from the content.
 */
export function routeEvent(value: unknown, family?: EventFamily): RouteResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { ok: false, reason: 'schema_violation', detail: `expected a JSON object (an event), got ${got}` };
  }
  const json = value as JsonObject;
  const target = family ?? inferFamily(json);
  if (target === 'model') return routeModelEvent(json);
  if (target === 'video') return routeVideoEvent(json);
  return {
    ok: false,
    reason: 'unroutable',
    detail: 'the event names neither a model (model_name) nor a video (video_id / object_key)',
    eventId: eventIdOf(json),
  };
}
