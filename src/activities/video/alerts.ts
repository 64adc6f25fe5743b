import { createHash } from 'node:crypto';
import type { EventPublisher } from '../../clients/event-publisher';
import type { VideoAlert } from './types';

export const VIDEO_ALERT_EVENT_TYPE = 'video_analysis_alert';

/** A UUID derived from text: a retried publish of the same alert carries the same event_id. */
export function stableUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  // Version 5-style layout (name-based), so consumers that validate UUIDs accept it.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Publishes a video alert to the alerts topic, keyed by the video so its alerts stay ordered. */
export async function publishAlert(
  publisher: EventPublisher,
  topic: string,
  alert: VideoAlert,
  idSeed?: string,
): Promise<string> {
  const eventId = stableUuid(idSeed ?? `${alert.job.runId}:${alert.kind}`);
  await publisher.publish(
    topic,
    alert.job.videoKey,
    VIDEO_ALERT_EVENT_TYPE,
    {
      alert_id: eventId,
      kind: alert.kind,
      title: alert.title,
      message: alert.message,
      priority: alert.priority,
      video_key: alert.job.videoKey,
      workflow_id: alert.job.workflowId,
      run_id: alert.job.runId,
      details: alert.details ?? {},
    },
    eventId,
  );
  return eventId;
}
