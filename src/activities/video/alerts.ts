import { deterministicUuid } from '../../backends/deterministic-id';
import type { EventPublisher } from '../../clients/event-publisher';
import type { VideoAlert } from '../../contracts/video-activities';
import type { WorkerMetrics } from '../../metrics/worker-metrics';

export const VIDEO_ALERT_EVENT_TYPE = 'video_analysis_alert';

/** Where video alerts go, and what counts them. */
export interface VideoAlertSink {
  publisher: EventPublisher;
  alertsTopic: string;
  workerMetrics: WorkerMetrics;
}

/** Publishes a video alert to the alerts topic, keyed by the video so its alerts stay ordered. */
export async function publishAlert(
  sink: VideoAlertSink,
  alert: VideoAlert,
  idSeed?: string,
): Promise<string> {
  const eventId = deterministicUuid(idSeed ?? `${alert.job.runId}:${alert.kind}`);
  const { publisher, alertsTopic: topic, workerMetrics } = sink;
  await publisher
    .publish(
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
    )
    .catch((err: unknown) => {
      workerMetrics.alarmFailed('video', 'kafka');
      throw err;
    });
  // Video alerts carry no time of their own: counted, not timed.
  workerMetrics.alarmSent('video', 'kafka');
  return eventId;
}
