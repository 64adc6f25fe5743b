import {
  claimJob,
  insertDetections,
  jobFailureRate,
  recordOutcome,
} from '../../backends/video/detections-store';
import type { VideoActivities, VideoJobRef } from '../../contracts/video-activities';
import { publishAlert } from './alerts';
import type { VideoActivityContext } from './context';

/** Records the run in video_analysis_jobs; reports an earlier finished job of the same video. */
export function createClaimVideoJob(ctx: VideoActivityContext): VideoActivities['claimVideoJob'] {
  return async function claimVideoJob({ job, eventId, reanalyze, rerunOf }) {
    return ctx.withDatabase(job, 'recording the job', () =>
      claimJob(ctx.pool, job, eventId, reanalyze, rerunOf),
    );
  };
}

/** Step 4, one bounded transaction: idempotent insert of detections. */
export function createSaveDetections(ctx: VideoActivityContext): VideoActivities['saveDetections'] {
  return async function saveDetections({ job, detections }) {
    return ctx.withDatabase(job, 'saving detections', () => insertDetections(ctx.pool, job, detections));
  };
}

/** Final state of the run; a failed run may raise the failure-rate alarm. */
export function createRecordVideoJobOutcome(
  ctx: VideoActivityContext,
): VideoActivities['recordVideoJobOutcome'] {
  const { video, log, metrics } = ctx;

  async function alarmOnFailureRate(job: VideoJobRef): Promise<void> {
    const rate = await jobFailureRate(ctx.pool, video.failureRateWindowMinutes);
    if (rate.percent <= video.failureRateAlertPercent) return;
    if (!metrics.claimAlert('failure_rate_high', video.failureRateWindowMinutes * 60_000)) return;
    await publishAlert(
      ctx,
      {
        job,
        kind: 'failure_rate_high',
        priority: 'high',
        title: `Video analysis failure rate ${rate.percent}% over the last ${video.failureRateWindowMinutes} min`,
        message: `${rate.failed} of ${rate.finished} video analysis jobs failed within ${video.failureRateWindowMinutes} min (alarm above ${video.failureRateAlertPercent}%).`,
        details: { ...rate, windowMinutes: video.failureRateWindowMinutes },
      },
      `failure_rate_high:${job.runId}`,
    );
  }

  return async function recordVideoJobOutcome(outcome) {
    await ctx.withDatabase(outcome.job, 'recording the job outcome', () => recordOutcome(ctx.pool, outcome));
    metrics.recordJobFinished(outcome.status);
    if (outcome.status === 'failed') {
      await alarmOnFailureRate(outcome.job).catch((err: Error) =>
        log.error({ err: err.message }, 'failure-rate alarm could not be evaluated or published'),
      );
    }
  };
}

/** Publishes to system.alerts. */
export function createPublishVideoAlert(ctx: VideoActivityContext): VideoActivities['publishVideoAlert'] {
  return async function publishVideoAlert(alert) {
    await publishAlert(ctx, alert);
    ctx.log.warn(
      { videoKey: alert.job.videoKey, kind: alert.kind, title: alert.title },
      'video alert published',
    );
  };
}
