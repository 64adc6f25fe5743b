/**
 * The activity boundary of video analysis. The workflow imports these types only
 * (proxyActivities<VideoActivities>); createVideoActivities(deps) implements them with ffmpeg,
 * the detector over HTTP and PostgreSQL; workflow tests replace them with recording fakes.
 */

/** Which job an activity works for: the workflow run (a re-analysis is a new run). */
export interface VideoJobRef {
  videoKey: string;
  workflowId: string;
  runId: string;
}

/** Where the video is: resolved by the activities against VIDEO_SOURCE_DIR. */
export interface VideoSourceRef {
  videoId?: string;
  objectKey?: string;
  bucket?: string;
}

/** The settings the workflow needs, read once from the worker's configuration (and kept in history). */
export interface VideoJobSettings {
  initialBatchSize: number;
  frameRate: number;
  saveChunkRows: number;
  longJobAlertMinutes: number;
  heartbeatTimeoutSeconds: number;
  detectorTimeoutSeconds: number;
  extractTimeoutMinutes: number;
  /**
   * Queue of the activities that run next to the detector (VIDEO_DETECTOR_TASK_QUEUE). Absent in
   * runs recorded before it existed: those keep every activity on the workflow's queue.
   */
  detectorTaskQueue?: string;
  /** VIDEO_RERUN_ATTEMPTS / _DELAY_SECONDS; absent in runs recorded before re-runs existed (none). */
  rerunAttempts?: number;
  rerunDelaySeconds?: number;
  dbRetry: {
    maximumAttempts: number;
    initialIntervalSeconds: number;
    backoffCoefficient: number;
    connectTimeoutSeconds: number;
  };
}

export type ClaimResult =
  | { alreadyAnalysed: false }
  | { alreadyAnalysed: true; previousRunId: string; previousStatus: string; finishedAt: string | null };

export interface ClaimRequest {
  job: VideoJobRef;
  eventId: string;
  reanalyze: boolean;
  /** A re-run of the failed run with this id: that run does not make this one a duplicate. */
  rerunOf?: string;
}

export interface DetectorModel {
  model: string;
  version?: string;
  device?: string;
}

export interface ExtractRequest {
  job: VideoJobRef;
  source: VideoSourceRef;
  frameRate: number;
}

export interface ExtractedFrames {
  frameCount: number;
  durationSeconds: number;
  width: number;
  height: number;
}

export interface DetectBatchRequest {
  job: VideoJobRef;
  /** Needed when the frames must be extracted again (another worker host took over). */
  source: VideoSourceRef;
  frameRate: number;
  /** 1-based, inclusive. */
  firstFrame: number;
  count: number;
  /**
   * The job's last batch: once the detector has answered, the job's work directory is removed
   * (nothing needs the frames any more), which spares the clean-up its own round trip.
   */
  removeFramesAfter?: boolean;
}

export interface PersonDetection {
  frame: number;
  /** Position in the detector's answer for that frame: with frame, the detection's identity. */
  index: number;
  timeSec: number;
  label: string;
  confidence: number;
  box: { x: number; y: number; width: number; height: number };
}

export interface DetectBatchResult {
  detections: PersonDetection[];
  /** Time spent waiting for the detector, for progress and benchmarks. */
  detectorMs: number;
  /** The job's work directory was removed (asked by removeFramesAfter; absent from older workers). */
  framesRemoved?: boolean;
}

export interface SaveChunkRequest {
  job: VideoJobRef;
  detections: PersonDetection[];
}

export interface SaveChunkResult {
  inserted: number;
  /** Rows that were already there (a retried or resumed save). */
  alreadySaved: number;
}

export type VideoJobStatus = 'completed' | 'failed' | 'cancelled' | 'duplicate';

export interface JobOutcome {
  job: VideoJobRef;
  status: VideoJobStatus;
  frames?: number;
  detections?: number;
  error?: string;
}

export type VideoAlertKind =
  'long_running' | 'job_failed' | 'duplicate_upload' | 'failure_rate_high' | 'db_connection_failures';

export interface VideoAlert {
  job: VideoJobRef;
  kind: VideoAlertKind;
  title: string;
  message: string;
  priority: 'critical' | 'high' | 'medium' | 'low';
  details?: Record<string, unknown>;
}

// ApplicationFailure types thrown by the video activities (the workflow branches on some).
/** The detector could not fit the batch in GPU memory. Non-retryable: the workflow halves the batch. */
export const GPU_OUT_OF_MEMORY = 'GpuOutOfMemory';
/** ffprobe/ffmpeg cannot read the file: corrupt, truncated, not a video. Non-retryable. */
export const VIDEO_UNREADABLE = 'VideoUnreadable';
export const VIDEO_NOT_FOUND = 'VideoNotFound';
export const INVALID_VIDEO_REFERENCE = 'InvalidVideoReference';
export const DETECTOR_NOT_CONFIGURED = 'DetectorNotConfigured';
export const DETECTOR_MALFORMED_RESPONSE = 'DetectorMalformedResponse';
export const DETECTOR_UNAVAILABLE = 'DetectorUnavailable';
export const DETECTOR_REJECTED = 'DetectorRejectedRequest';
export const FRAME_EXTRACTION_FAILED = 'FrameExtractionFailed';
/** PostgreSQL unreachable or the connection broke: retried by the activity retry policy. */
export const DATABASE_UNAVAILABLE = 'DatabaseUnavailable';
/** PostgreSQL refused the statement (schema missing, constraint): retrying cannot help. */
export const DATABASE_ERROR = 'DatabaseError';

export interface VideoActivities {
  /** The worker's video settings, so the workflow's timeouts and retries follow configuration. */
  videoJobSettings(): Promise<VideoJobSettings>;
  /** Records the run in video_analysis_jobs; reports an earlier finished job of the same video. */
  claimVideoJob(request: ClaimRequest): Promise<ClaimResult>;
  /** Step 1: warms the detector up (loads the model onto the GPU). */
  loadDetectionModel(job: VideoJobRef): Promise<DetectorModel>;
  /** Step 2: ffprobe + ffmpeg at the frame rate into the job's work directory. */
  extractFrames(request: ExtractRequest): Promise<ExtractedFrames>;
  /** Step 3, one batch: sends frames [firstFrame, firstFrame+count) to the detector. */
  detectPersons(request: DetectBatchRequest): Promise<DetectBatchResult>;
  /** Step 4, one bounded transaction: idempotent insert of detections. */
  saveDetections(request: SaveChunkRequest): Promise<SaveChunkResult>;
  /** Step 5: removes the job's work directory (whatever happened before). */
  cleanUpVideoJob(job: VideoJobRef): Promise<{ removed: boolean }>;
  /** Final state of the run in video_analysis_jobs; alerts on a high failure rate. */
  recordVideoJobOutcome(outcome: JobOutcome): Promise<void>;
  /** Publishes to system.alerts. */
  publishVideoAlert(alert: VideoAlert): Promise<void>;
}
