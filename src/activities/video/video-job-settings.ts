import type { VideoActivities } from '../../contracts/video-activities';
import type { VideoActivityContext } from './context';

/** The worker's video settings, so the workflow's timeouts and retries follow configuration. */
export function createVideoJobSettings(
  { video }: VideoActivityContext,
  detectorTaskQueue: string,
): VideoActivities['videoJobSettings'] {
  return async function videoJobSettings() {
    return {
      initialBatchSize: video.initialBatchSize,
      frameRate: video.frameRate,
      saveChunkRows: video.saveChunkRows,
      longJobAlertMinutes: video.longJobAlertMinutes,
      heartbeatTimeoutSeconds: video.heartbeatTimeoutSeconds,
      detectorTimeoutSeconds: video.detectorRequestTimeoutSeconds,
      extractTimeoutMinutes: video.extractTimeoutMinutes,
      detectorTaskQueue,
      rerunAttempts: video.rerunAttempts,
      rerunDelaySeconds: video.rerunDelaySeconds,
      dbRetry: {
        maximumAttempts: video.dbRetryAttempts,
        initialIntervalSeconds: video.dbRetryInitialDelaySeconds,
        backoffCoefficient: video.dbRetryBackoff,
        connectTimeoutSeconds: video.dbConnectTimeoutSeconds,
      },
    };
  };
}
