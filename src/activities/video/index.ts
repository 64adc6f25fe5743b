import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { Pool } from 'pg';
import { createDetectorClient, DetectorClient } from '../../clients/detector';
import type { ActivityDeps } from '../deps';
import { publishAlert } from './alerts';
import { classifyDatabaseError } from './database-errors';
import { detectPersonsBatch } from './detect-persons';
import { claimJob, insertDetections, jobFailureRate, recordOutcome } from './detections-store';
import { detectorFailure, detectorNotConfigured } from './detector-failures';
import { ensureFramesExtracted } from './frames';
import { keepHeartbeating } from './heartbeat';
import { processVideoMetrics, VideoMetrics } from './metrics';
import type { VideoActivities, VideoJobRef } from '../../contracts/video-activities';
import { jobWorkDir } from './work-dir';

export interface VideoActivityOptions {
  /** Defaults to the process-wide metrics (what a /metrics endpoint reads). */
  metrics?: VideoMetrics;
}

/** The video analysis activities, built from the worker's clients and settings. */
export function createVideoActivities(
  deps: ActivityDeps,
  options: VideoActivityOptions = {},
): VideoActivities {
  const video = deps.config.video;
  const log = deps.logger.child({ component: 'video-analysis' });
  const metrics = options.metrics ?? processVideoMetrics;
  const alertsTopic = deps.config.kafka.topicAlerts;
  // Same database as the shared pool, with the video connect timeout (VIDEO_DB_CONNECT_TIMEOUT_SECONDS).
  const pool = new Pool({
    ...deps.pool.options,
    connectionTimeoutMillis: video.dbConnectTimeoutSeconds * 1000,
    max: 4,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  });
  pool.on('error', (err) =>
    log.warn({ err: err.message }, 'idle PostgreSQL connection of video analysis failed'),
  );
  let detector: DetectorClient | undefined;
  const requireDetector = (): DetectorClient => {
    if (!video.detectorUrl) throw detectorNotConfigured();
    detector ??= createDetectorClient(video.detectorUrl, {
      timeoutMs: video.detectorRequestTimeoutSeconds * 1000,
    });
    return detector;
  };

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
    publishAlert(deps.publisher, alertsTopic, alert, `db_connection_failures:${Date.now()}`).catch(
      (err: Error) => log.error({ err: err.message }, 'database alarm could not be published'),
    );
  }

  /** Runs a database action; its error becomes a typed, classified failure (and is counted). */
  async function withDatabase<T>(job: VideoJobRef, action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const { failure, isConnectionFailure } = classifyDatabaseError(err, action);
      if (isConnectionFailure) alarmOnConnectionFailures(job, failure.message);
      throw failure;
    }
  }

  async function alarmOnFailureRate(job: VideoJobRef): Promise<void> {
    const rate = await jobFailureRate(pool, video.failureRateWindowMinutes);
    if (rate.percent <= video.failureRateAlertPercent) return;
    if (!metrics.claimAlert('failure_rate_high', video.failureRateWindowMinutes * 60_000)) return;
    await publishAlert(
      deps.publisher,
      alertsTopic,
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

  return {
    async videoJobSettings() {
      return {
        initialBatchSize: video.initialBatchSize,
        frameRate: video.frameRate,
        saveChunkRows: video.saveChunkRows,
        longJobAlertMinutes: video.longJobAlertMinutes,
        heartbeatTimeoutSeconds: video.heartbeatTimeoutSeconds,
        detectorTimeoutSeconds: video.detectorRequestTimeoutSeconds,
        extractTimeoutMinutes: video.extractTimeoutMinutes,
        dbRetry: {
          maximumAttempts: video.dbRetryAttempts,
          initialIntervalSeconds: video.dbRetryInitialDelaySeconds,
          backoffCoefficient: video.dbRetryBackoff,
          connectTimeoutSeconds: video.dbConnectTimeoutSeconds,
        },
      };
    },

    async claimVideoJob({ job, eventId, reanalyze }) {
      return withDatabase(job, 'recording the job', () => claimJob(pool, job, eventId, reanalyze));
    },

    async loadDetectionModel(job) {
      const client = requireDetector();
      const ctx = Context.current();
      const stop = keepHeartbeating(ctx, () => ({ phase: 'warming up the detector' }));
      try {
        const model = await client.warmUp(ctx.cancellationSignal);
        log.info({ videoKey: job.videoKey, ...model }, 'detector ready');
        return model;
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        throw detectorFailure(err);
      } finally {
        stop();
      }
    },

    async extractFrames({ job, source, frameRate }) {
      const ctx = Context.current();
      let written = 0;
      const stop = keepHeartbeating(ctx, () => ({ framesWritten: written }));
      try {
        const manifest = await ensureFramesExtracted({
          workRoot: video.workDir,
          sourceDir: video.sourceDir,
          ffmpegPath: video.ffmpegPath,
          job,
          source,
          frameRate,
          signal: ctx.cancellationSignal,
          onProgress: (n) => {
            written = n;
          },
        });
        const { frameCount, durationSeconds, width, height } = manifest;
        log.info({ videoKey: job.videoKey, frameCount, durationSeconds, frameRate }, 'frames extracted');
        return { frameCount, durationSeconds, width, height };
      } finally {
        stop();
      }
    },

    async detectPersons(request) {
      return detectPersonsBatch(video, requireDetector(), request);
    },

    async saveDetections({ job, detections }) {
      return withDatabase(job, 'saving detections', () => insertDetections(pool, job, detections));
    },

    async cleanUpVideoJob(job) {
      const dir = jobWorkDir(video.workDir, job);
      const existed = await fs
        .stat(dir)
        .then(() => true)
        .catch(() => false);
      await fs.rm(dir, { recursive: true, force: true });
      // The per-video parent goes too once no other run of the video uses it.
      await fs.rmdir(path.dirname(dir)).catch(() => undefined);
      log.info({ videoKey: job.videoKey, dir, existed }, 'work directory removed');
      return { removed: existed };
    },

    async recordVideoJobOutcome(outcome) {
      await withDatabase(outcome.job, 'recording the job outcome', () => recordOutcome(pool, outcome));
      metrics.recordJobFinished(outcome.status);
      if (outcome.status === 'failed') {
        await alarmOnFailureRate(outcome.job).catch((err: Error) =>
          log.error({ err: err.message }, 'failure-rate alarm could not be evaluated or published'),
        );
      }
    },

    async publishVideoAlert(alert) {
      await publishAlert(deps.publisher, alertsTopic, alert);
      log.warn(
        { videoKey: alert.job.videoKey, kind: alert.kind, title: alert.title },
        'video alert published',
      );
    },
  };
}

export type { VideoActivities } from '../../contracts/video-activities';
