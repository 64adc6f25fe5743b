import type { ModelEvent, VideoEvent } from '../domain/events';
import { type IncomingEvent, type IngestSettings, readEvent } from '../domain/ingest/read-event';
import { VideoAnalysisInput, videoKey, videoWorkflowId } from '../contracts/workflows';
import { guardianShardOf, guardianWorkflowIdFor } from '../contracts/guardian-shards';
import type { Rejection } from './dead-letter-reason';

export type { EventFamily } from '../domain/ingest/read-event';

/** How the bridge reads events, and where guardian events go: GUARDIAN_SHARDS (0: a guardian per model). */
export type RoutingSettings = IngestSettings & { guardianShards?: number };

/**
 * What to tell Temporal for one valid event. `workflowId` is also the per-key ordering key (and
 * what the bridge batches by): the model's guardian, or its shard with GUARDIAN_SHARDS.
 */
export type Delivery =
  | {
      workflow: 'guardian';
      workflowId: string;
      modelName: string;
      event: ModelEvent;
      /** With GUARDIAN_SHARDS: the shard the workflow id names, and how many there are. */
      shard?: { index: number; of: number };
    }
  | { workflow: 'video'; workflowId: string; input: VideoAnalysisInput; event: VideoEvent };

export type RouteResult = { ok: true; delivery: Delivery } | ({ ok: false } & Rejection);

function videoDelivery(event: VideoEvent): Delivery {
  const key = videoKey(event);
  const input: VideoAnalysisInput = {
    videoKey: key,
    videoId: event.video_id,
    objectKey: event.object_key,
    bucket: event.bucket,
    eventId: event.event_id,
    reanalyze: event.reanalyze,
  };
  return { workflow: 'video', workflowId: videoWorkflowId(key), input, event };
}

/**
 * Reads an incoming event with the one shared reader (src/domain/ingest) and decides where it
 * goes: the guardian of its model (or service), or the video job of its upload.
 */
export function routeEvent(incoming: IncomingEvent, settings: RoutingSettings): RouteResult {
  const read = readEvent(incoming, settings);
  if (!read.ok) return read;
  if (read.family === 'video') return { ok: true, delivery: videoDelivery(read.event) };
  const { event } = read;
  const shards = settings.guardianShards ?? 0;
  return {
    ok: true,
    delivery: {
      workflow: 'guardian',
      workflowId: guardianWorkflowIdFor(event.model_name, shards),
      modelName: event.model_name,
      event,
      ...(shards > 0 ? { shard: { index: guardianShardOf(event.model_name, shards), of: shards } } : {}),
    },
  };
}
