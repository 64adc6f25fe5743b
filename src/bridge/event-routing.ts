import type { ModelEvent, VideoEvent } from '../domain/events';
import { type IncomingEvent, type IngestSettings, readEvent } from '../domain/ingest/read-event';
import { guardianWorkflowId, VideoAnalysisInput, videoKey, videoWorkflowId } from '../contracts/workflows';
import type { Rejection } from './dead-letter-reason';

export type { EventFamily } from '../domain/ingest/read-event';

/** What to tell Temporal for one valid event. `workflowId` is also the per-key ordering key. */
export type Delivery =
  | { workflow: 'guardian'; workflowId: string; modelName: string; event: ModelEvent }
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
export function routeEvent(incoming: IncomingEvent, settings: IngestSettings): RouteResult {
  const read = readEvent(incoming, settings);
  if (!read.ok) return read;
  if (read.family === 'video') return { ok: true, delivery: videoDelivery(read.event) };
  const { event } = read;
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
