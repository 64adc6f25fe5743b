import type { VideoJobRef } from '../../contracts/video-activities';
import { publishAlert } from './alerts';
import type { VideoActivityContext } from './context';
import { classifyDatabaseError } from './database-errors';

type GuardDeps = Omit<VideoActivityContext, 'withDatabase' | 'detector'>;

/**
 * Database actions of the video activities: errors become typed failures, and connection
 * failures are counted for the whole fleet (fleetFailureCountWorkflow), which alarms on more than
 * VIDEO_DB_FAILURE_ALERT_COUNT within the window. This process counts them too, for its /metrics,
 * and alarms on its own count only when Temporal cannot take the report either.
 */
export function createDatabaseGuard(ctx: GuardDeps): VideoActivityContext['withDatabase'] {
  const { video, log, metrics } = ctx;
  const windowMs = video.dbFailureWindowMinutes * 60_000;

  function alarmOnConnectionFailures(job: VideoJobRef, lastError: string): void {
    const inWindow = metrics.recordDbConnectionFailure(windowMs);
    log.warn(
      { videoKey: job.videoKey, inWindow, windowMinutes: video.dbFailureWindowMinutes },
      'PostgreSQL connection failure',
    );
    ctx.fleetFailures.report(lastError).catch((err: Error) => {
      log.warn({ err: err.message }, 'fleet failure count unreachable; this process alarms on its own count');
      alarmInThisProcess(job, lastError, inWindow);
    });
  }

  function alarmInThisProcess(job: VideoJobRef, lastError: string, inWindow: number): void {
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
