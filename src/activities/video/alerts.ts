import type { AlertSender } from '../../backends/alerts';
import { deterministicUuid } from '../../backends/deterministic-id';
import type { EventPublisher } from '../../clients/event-publisher';
import type { Alarm } from '../../contracts/alarms';
import type { VideoAlert } from '../../contracts/video-activities';
import type { WorkerMetrics } from '../../metrics/worker-metrics';
import { deliveryDeadline } from '../alerting';

export const VIDEO_ALERT_EVENT_TYPE = 'video_analysis_alert';

/** Where video alerts go, and what counts them. */
export interface VideoAlertSink {
  publisher: EventPublisher;
  alertsTopic: string;
  workerMetrics: WorkerMetrics;
  alertSender: AlertSender;
}

/** A video alert as the alert sender carries it to people; a duplicate job goes out at once. */
export function videoAlarm(alert: VideoAlert, alarmId: string, time: string): Alarm {
  return {
    alarmId,
    source: 'video',
    subject: alert.job.videoKey,
    kind: alert.kind,
    title: alert.title,
    message: alert.message,
    priority: alert.priority,
    time,
    immediate: alert.kind === 'duplicate_upload',
    details: {
      video_key: alert.job.videoKey,
      workflow_id: alert.job.workflowId,
      run_id: alert.job.runId,
      ...alert.details,
    },
  };
}

/**
 * Publishes a video alert to the alerts topic, keyed by the video so its alerts stay ordered, then
 * hands it to the alert sender (routed by priority; a channel that stays down is recorded, not thrown).
 */
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
  // Video alerts carry no time of their own: the moment they are raised is now.
  const raisedAt = new Date().toISOString();
  workerMetrics.alarmSent('video', 'kafka');
  await sink.alertSender.send(videoAlarm(alert, eventId, raisedAt), deliveryDeadline());
  return eventId;
}
