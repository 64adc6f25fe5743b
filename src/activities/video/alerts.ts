import { deterministicUuid } from '../../backends/deterministic-id';
import type { EventPublisher } from '../../clients/event-publisher';
import type { VideoAlert } from '../../contracts/video-activities';

export const VIDEO_ALERT_EVENT_TYPE = 'video_analysis_alert';

/** Publishes a video alert to the alerts topic, keyed by the video so its alerts stay ordered. */
export async function publishAlert(
  publisher: EventPublisher,
  topic: string,
  alert: VideoAlert,
  idSeed?: string,
): Promise<string> {
  const eventId = deterministicUuid(idSeed ?? `${alert.job.runId}:${alert.kind}`);
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
