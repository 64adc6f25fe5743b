/**
 * How the outside world (the Kafka bridge, the HTTP way in, the CLI) reaches our workflows:
 * workflow type names, ids, signal names and inputs. Plain strings and types, so the bridge
 * routes by name and never imports workflow code.
 */
import type { ModelEvent, VideoEvent } from './events';

// ---- model guardian: one long-lived workflow per model -----------------------------------

export const GUARDIAN_WORKFLOW_TYPE = 'modelGuardianWorkflow';
/** Signal carrying one validated ModelEvent; used with signal-with-start. */
export const GUARDIAN_EVENT_SIGNAL = 'modelEvent';

export function guardianWorkflowId(modelName: string): string {
  return `model-guardian:${modelName}`;
}

/** First-run input of the guardian; later runs (continue-as-new) carry state as well. */
export interface GuardianStartInput {
  modelName: string;
}

export type GuardianEventSignalPayload = ModelEvent;

// ---- video analysis: one workflow run per uploaded video ----------------------------------

export const VIDEO_WORKFLOW_TYPE = 'videoAnalysisWorkflow';

/** The identity of an upload: the video id when given, else the object key (with bucket). */
export function videoKey(event: Pick<VideoEvent, 'video_id' | 'object_key' | 'bucket'>): string {
  if (event.video_id) return event.video_id;
  return event.bucket ? `${event.bucket}/${event.object_key}` : String(event.object_key);
}

export function videoWorkflowId(key: string): string {
  return `video-analysis:${key}`;
}

export interface VideoAnalysisInput {
  videoKey: string;
  videoId?: string;
  objectKey?: string;
  bucket?: string;
  /** The upload event that asked for this job. */
  eventId: string;
  /** A deliberate re-analysis of a video analysed before. */
  reanalyze?: boolean;
}

// ---- daily log report: one run per report date -------------------------------------------

export const DAILY_REPORT_WORKFLOW_TYPE = 'dailyLogReportWorkflow';
export const DAILY_REPORT_SCHEDULE_ID = 'daily-log-report';

export function dailyReportWorkflowId(reportDate: string): string {
  return `daily-log-report:${reportDate}`;
}
