import type { VideoJobRef } from '../../contracts/video-activities';
import { publishAlert } from './alerts';
import type { VideoActivityContext } from './context';
import { classifyDatabaseError } from './database-errors';

type GuardDeps = Omit<VideoActivityContext, 'withDatabase' | 'detector'>;

/**
 * Database actions of the video activities: errors become typed failures, and connection
 * failures are counted; more than VIDEO_DB_FAILURE_ALERT_COUNT within the window raise one alarm.
 */
export function createDatabaseGuard(ctx: GuardDeps): VideoActivityContext['withDatabase'] {
  const { video, log, metrics } = ctx;

  function alarmOnConnectionFailures(job: VideoJobRef, lastError: string): void {
    const windowMs = video.dbFailureWindowMinutes * 60_000;
    const inWindow = metrics.recordDbConnectionFailure(windowMs);
    log.warn(
      { videoKey: job.videoKey, inWindow, windowMinutes: video.dbFailureWindowMinutes },
      'PostgreSQL connection failure',
    );
    if (inWindow <= video.dbFailureAlertCount || !metrics.claimAlert('db_connection_failures', windowMs))
      return;
    const alert = {
      job,
      kind: 'db_connection_failures' as const,
      priority: 'critical' as const,
      title: `PostgreSQL unreachable for video analysis: ${inWindow} connection failures in ${video.dbFailureWindowMinutes} min`,
      message: `More than ${video.dbFailureAlertCount} PostgreSQL connection failures within ${video.dbFailureWindowMinutes} min. Latest: ${lastError}`,
      details: { failures: inWindow, windowMinutes: video.dbFailureWindowMinutes },
    };
    publishAlert(ctx, alert, `db_connection_failures:${Date.now()}`).catch((err: Error) =>
      log.error({ err: err.message }, 'database alarm could not be published'),
    );
  }

  return async (job, action, work) => {
    try {
      return await work();
    } catch (err) {
      const { failure, isConnectionFailure } = classifyDatabaseError(err, action);
      if (isConnectionFailure) alarmOnConnectionFailures(job, failure.message);
      throw failure;
    }
  };
}
