/**
 * Timeouts, heartbeats and retry policies of the video activities, built from the worker's
 * settings (read by the first activity, so they are recorded in history and replay the same).
 */
import {
  ActivityCancellationType,
  proxyActivities,
  proxyLocalActivities,
  RetryPolicy,
} from '@temporalio/workflow';
import {
  DATABASE_ERROR,
  INVALID_VIDEO_REFERENCE,
  VIDEO_NOT_FOUND,
  VIDEO_UNREADABLE,
  type VideoActivities,
  type VideoJobSettings,
} from '../../contracts/video-activities';

/**
 * Reads the settings; before them no configured policy is known, so a fixed one. A local
 * activity: it only reads the worker's configuration, so it needs no round trip to the server.
 */
export const settingsActivity = proxyLocalActivities<Pick<VideoActivities, 'videoJobSettings'>>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

/** Connect + save to PostgreSQL: the configured exponential backoff (default 3 attempts, 5 s, ×2). */
export function databaseRetryPolicy(s: VideoJobSettings): RetryPolicy {
  return {
    maximumAttempts: s.dbRetry.maximumAttempts,
    initialInterval: s.dbRetry.initialIntervalSeconds * 1000,
    backoffCoefficient: s.dbRetry.backoffCoefficient,
    nonRetryableErrorTypes: [DATABASE_ERROR],
  };
}

/**
 * The configured database policy without its first attempt (made as a local activity): the
 * attempts come at the same times, the first wait being a workflow timer before these start.
 */
export function databaseRetriesAfterFirst(s: VideoJobSettings): RetryPolicy {
  const policy = databaseRetryPolicy(s);
  return {
    ...policy,
    maximumAttempts: Math.max(1, s.dbRetry.maximumAttempts - 1),
    initialInterval: s.dbRetry.initialIntervalSeconds * s.dbRetry.backoffCoefficient * 1000,
  };
}

/**
 * The activity proxies of one job, grouped by what they talk to. `detectorTaskQueue` sends the
 * detector host's activities (model, frames, batches, clean-up) to the GPU workers' queue;
 * undefined keeps them on the workflow's own queue, as runs recorded before it did.
 */
export function videoActivityProxies(s: VideoJobSettings, detectorTaskQueue?: string) {
  const onDetectorHost = detectorTaskQueue === undefined ? {} : { taskQueue: detectorTaskQueue };
  const housekeepingOptions = {
    startToCloseTimeout: '2m',
    retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5 },
  } as const;
  const heartbeatTimeout = s.heartbeatTimeoutSeconds * 1000;
  // A bounded retry for the detector: a GPU service restarting is worth minutes, not forever.
  const detectorRetry: RetryPolicy = {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 5,
  };
  return {
    database: proxyActivities<VideoActivities>({
      // Connecting may take the whole connect timeout; one bounded transaction takes far less.
      startToCloseTimeout: (s.dbRetry.connectTimeoutSeconds + 60) * 1000,
      retry: databaseRetryPolicy(s),
    }),
    detector: proxyActivities<VideoActivities>({
      ...onDetectorHost,
      // A batch may have to extract the frames again first (another worker host took over).
      startToCloseTimeout: (s.detectorTimeoutSeconds + s.extractTimeoutMinutes * 60) * 1000,
      heartbeatTimeout,
      retry: detectorRetry,
      // Clean-up must not run while a batch still reads the frames it removes.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    frames: proxyActivities<VideoActivities>({
      ...onDetectorHost,
      startToCloseTimeout: s.extractTimeoutMinutes * 60_000,
      heartbeatTimeout,
      retry: {
        initialInterval: '2s',
        maximumAttempts: 3,
        nonRetryableErrorTypes: [VIDEO_UNREADABLE, VIDEO_NOT_FOUND, INVALID_VIDEO_REFERENCE],
      },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    /**
     * The job's final row, written inside the workflow task that ends the job (no round trip to
     * the server). A local activity is safe here: the write is an idempotent upsert, so running
     * it again after a lost answer or a worker crash changes nothing.
     */
    outcome: proxyLocalActivities<Pick<VideoActivities, 'recordVideoJobOutcome'>>({
      startToCloseTimeout: (s.dbRetry.connectTimeoutSeconds + 60) * 1000,
      retry: databaseRetryPolicy(s),
    }),
    /**
     * A chunk's first save attempt, inside the workflow task that received the detections (no
     * round trip to the server). Safe as a local activity: every insert is idempotent, so running
     * it again after a lost answer or a worker crash saves nothing twice. One attempt only: the
     * retries are `databaseRetries`, visible in the Web UI like any activity's.
     */
    localSave: proxyLocalActivities<Pick<VideoActivities, 'saveDetections'>>({
      startToCloseTimeout: (s.dbRetry.connectTimeoutSeconds + 60) * 1000,
      retry: { maximumAttempts: 1 },
    }),
    /** The attempts after a failed local save: the configured policy from its second attempt on. */
    databaseRetries: proxyActivities<VideoActivities>({
      startToCloseTimeout: (s.dbRetry.connectTimeoutSeconds + 60) * 1000,
      retry: databaseRetriesAfterFirst(s),
    }),
    housekeeping: proxyActivities<VideoActivities>(housekeepingOptions),
    // Removes the frames, so it runs where they were extracted.
    cleanUp: proxyActivities<VideoActivities>({ ...housekeepingOptions, ...onDetectorHost }),
  };
}

export type VideoActivityProxies = ReturnType<typeof videoActivityProxies>;
