import type { Pool } from 'pg';
import type { VideoConfig } from '../../config/video';
import { FailureRate, jobFailureRate } from '../../backends/video/detections-store';
import type { VideoJobStatus } from '../../contracts/video-activities';

/**
 * Alarm metrics of video analysis (README "Video analysis"):
 * - PostgreSQL connection failures: counted in this worker process (while the database is down
 *   there is nowhere else to count them), over a sliding window;
 * - job failure rate: from the video_analysis_jobs table, so it covers every worker.
 */

const KEEP_MS = 24 * 3600_000;
const MAX_SAMPLES = 10_000;

export class VideoMetrics {
  private connectionFailures: number[] = [];
  private connectionFailuresTotal = 0;
  private readonly jobsFinished: Record<VideoJobStatus, number> = {
    completed: 0,
    failed: 0,
    cancelled: 0,
    duplicate: 0,
  };
  private lastAlert = new Map<string, number>();

  /** Counts one failed attempt to reach PostgreSQL; returns how many fell within the window. */
  recordDbConnectionFailure(windowMs: number, now = Date.now()): number {
    this.connectionFailuresTotal += 1;
    this.connectionFailures.push(now);
    this.connectionFailures = this.connectionFailures.filter((t) => t > now - KEEP_MS).slice(-MAX_SAMPLES);
    return this.dbConnectionFailuresWithin(windowMs, now);
  }

  dbConnectionFailuresWithin(windowMs: number, now = Date.now()): number {
    return this.connectionFailures.filter((t) => t > now - windowMs).length;
  }

  recordJobFinished(status: VideoJobStatus): void {
    this.jobsFinished[status] += 1;
  }

  /** True at most once per window for one alarm: an alarm condition is reported, not repeated. */
  claimAlert(alarm: string, windowMs: number, now = Date.now()): boolean {
    const last = this.lastAlert.get(alarm);
    if (last !== undefined && now - last < windowMs) return false;
    this.lastAlert.set(alarm, now);
    return true;
  }

  counters(): { dbConnectionFailuresTotal: number; jobsFinished: Record<VideoJobStatus, number> } {
    return {
      dbConnectionFailuresTotal: this.connectionFailuresTotal,
      jobsFinished: { ...this.jobsFinished },
    };
  }
}

/** The metrics of this process's video activities (the worker registers them once). */
export const processVideoMetrics = new VideoMetrics();

export interface VideoMetricsSnapshot {
  dbConnectionFailuresInWindow: number;
  dbConnectionFailuresWindowMinutes: number;
  dbConnectionFailuresAlarm: boolean;
  dbConnectionFailuresTotal: number;
  jobFailureRate?: FailureRate & { windowMinutes: number };
  jobFailureRateAlarm: boolean;
  jobsFinished: Record<VideoJobStatus, number>;
}

/** The current values and whether each alarm condition holds. The failure rate needs PostgreSQL. */
export async function videoMetricsSnapshot(
  metrics: VideoMetrics,
  pool: Pool,
  config: VideoConfig,
): Promise<VideoMetricsSnapshot> {
  const windowMs = config.dbFailureWindowMinutes * 60_000;
  const inWindow = metrics.dbConnectionFailuresWithin(windowMs);
  const rate = await jobFailureRate(pool, config.failureRateWindowMinutes).catch(() => undefined);
  return {
    dbConnectionFailuresInWindow: inWindow,
    dbConnectionFailuresWindowMinutes: config.dbFailureWindowMinutes,
    dbConnectionFailuresAlarm: inWindow > config.dbFailureAlertCount,
    dbConnectionFailuresTotal: metrics.counters().dbConnectionFailuresTotal,
    jobFailureRate: rate && { ...rate, windowMinutes: config.failureRateWindowMinutes },
    jobFailureRateAlarm: rate !== undefined && rate.percent > config.failureRateAlertPercent,
    jobsFinished: metrics.counters().jobsFinished,
  };
}

/** Prometheus text exposition of a snapshot, for a /metrics endpoint. */
export function videoMetricsText(s: VideoMetricsSnapshot): string {
  const lines = [
    '# HELP video_db_connection_failures_window PostgreSQL connection failures of video activities within the alarm window.',
    '# TYPE video_db_connection_failures_window gauge',
    `video_db_connection_failures_window{window_minutes="${s.dbConnectionFailuresWindowMinutes}"} ${s.dbConnectionFailuresInWindow}`,
    '# TYPE video_db_connection_failures_total counter',
    `video_db_connection_failures_total ${s.dbConnectionFailuresTotal}`,
    '# TYPE video_db_connection_failures_alarm gauge',
    `video_db_connection_failures_alarm ${s.dbConnectionFailuresAlarm ? 1 : 0}`,
    '# TYPE video_jobs_finished_total counter',
    ...Object.entries(s.jobsFinished).map(
      ([status, n]) => `video_jobs_finished_total{status="${status}"} ${n}`,
    ),
  ];
  if (s.jobFailureRate) {
    lines.push(
      '# HELP video_job_failure_rate_percent Failed share of finished video jobs (all workers) within the window.',
      '# TYPE video_job_failure_rate_percent gauge',
      `video_job_failure_rate_percent{window_minutes="${s.jobFailureRate.windowMinutes}"} ${s.jobFailureRate.percent}`,
      '# TYPE video_job_failure_rate_alarm gauge',
      `video_job_failure_rate_alarm ${s.jobFailureRateAlarm ? 1 : 0}`,
    );
  }
  return lines.join('\n') + '\n';
}
