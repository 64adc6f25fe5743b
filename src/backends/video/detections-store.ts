import type { Pool, PoolClient } from 'pg';
import type {
  ClaimResult,
  JobOutcome,
  PersonDetection,
  SaveChunkResult,
  VideoJobRef,
} from '../../contracts/video-activities';

/**
 * SQL of video analysis (tables from migrations/0003_video_analysis.sql). Every write is
 * idempotent, so an activity retried after a lost answer changes nothing the second time.
 */

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A server that goes away mid-transaction also emits 'error' on the client after the query
  // failed; unheard, that event would crash the worker. The failed query already reports it.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.off('error', onError);
    // A connection that failed mid-transaction is not handed out again.
    client.release(broken ? true : undefined);
  }
}

/**
 * One bounded transaction: rows of earlier runs of this video are superseded (a re-analysis
 * replaces them), then this chunk is inserted; a row already there (same video, frame,
 * detection) is left as it is.
 */
export async function insertDetections(
  pool: Pool,
  job: VideoJobRef,
  detections: PersonDetection[],
): Promise<SaveChunkResult> {
  if (detections.length === 0) return { inserted: 0, alreadySaved: 0 };
  return inTransaction(pool, async (client) => {
    await client.query('DELETE FROM video_detections WHERE video_key = $1 AND run_id <> $2', [
      job.videoKey,
      job.runId,
    ]);
    const inserted = await client.query(
      `INSERT INTO video_detections
         (video_key, run_id, frame_number, detection_index, frame_time_sec, label, confidence, box_x, box_y, box_width, box_height)
       SELECT $1::text, $2::text, * FROM unnest($3::int[], $4::int[], $5::real[], $6::text[], $7::real[], $8::real[], $9::real[], $10::real[], $11::real[])
       ON CONFLICT (video_key, frame_number, detection_index) DO NOTHING`,
      [
        job.videoKey,
        job.runId,
        detections.map((d) => d.frame),
        detections.map((d) => d.index),
        detections.map((d) => d.timeSec),
        detections.map((d) => d.label),
        detections.map((d) => d.confidence),
        detections.map((d) => d.box.x),
        detections.map((d) => d.box.y),
        detections.map((d) => d.box.width),
        detections.map((d) => d.box.height),
      ],
    );
    const count = inserted.rowCount ?? 0;
    return { inserted: count, alreadySaved: detections.length - count };
  });
}

/** Records this run as running; returns the latest earlier run of the video that finished, if any. */
export async function claimJob(
  pool: Pool,
  job: VideoJobRef,
  eventId: string,
  reanalyze: boolean,
  rerunOf?: string,
): Promise<ClaimResult> {
  return inTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO video_analysis_jobs (run_id, workflow_id, video_key, event_id, reanalyze, status)
       VALUES ($1, $2, $3, $4, $5, 'running') ON CONFLICT (run_id) DO NOTHING`,
      [job.runId, job.workflowId, job.videoKey, eventId, reanalyze],
    );
    const earlier = await client.query<{ run_id: string; status: string; finished_at: Date | null }>(
      `SELECT run_id, status, finished_at FROM video_analysis_jobs
        WHERE video_key = $1 AND run_id <> $2 AND run_id <> $3 AND status IN ('completed', 'failed', 'cancelled')
        ORDER BY finished_at DESC NULLS LAST LIMIT 1`,
      // A re-run continues its failed run: that run is the same job, not an earlier analysis.
      [job.videoKey, job.runId, rerunOf ?? ''],
    );
    const row = earlier.rows[0];
    if (!row || reanalyze) return { alreadyAnalysed: false };
    return {
      alreadyAnalysed: true,
      previousRunId: row.run_id,
      previousStatus: row.status,
      finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    };
  });
}

/** Final state of the run (inserted if the claim never reached the database). */
export async function recordOutcome(pool: Pool, outcome: JobOutcome): Promise<void> {
  const { job } = outcome;
  await pool.query(
    `INSERT INTO video_analysis_jobs (run_id, workflow_id, video_key, event_id, status, frames, detections, error, finished_at)
     VALUES ($1, $2, $3, '', $4, $5, $6, $7, now())
     ON CONFLICT (run_id) DO UPDATE SET status = EXCLUDED.status, frames = EXCLUDED.frames,
       detections = EXCLUDED.detections, error = EXCLUDED.error,
       finished_at = COALESCE(video_analysis_jobs.finished_at, EXCLUDED.finished_at)`,
    [
      job.runId,
      job.workflowId,
      job.videoKey,
      outcome.status,
      outcome.frames ?? null,
      outcome.detections ?? null,
      outcome.error ?? null,
    ],
  );
}

export interface FailureRate {
  failed: number;
  finished: number;
  /** 0-100; 0 when no job finished in the window. */
  percent: number;
}

/** Share of failed jobs among the jobs that completed or failed within the window. */
export async function jobFailureRate(pool: Pool, windowMinutes: number): Promise<FailureRate> {
  const { rows } = await pool.query<{ failed: string; finished: string }>(
    `SELECT count(*) FILTER (WHERE status = 'failed') AS failed, count(*) AS finished
       FROM video_analysis_jobs
      WHERE finished_at >= now() - make_interval(secs => $1) AND status IN ('completed', 'failed')`,
    [windowMinutes * 60],
  );
  const failed = Number(rows[0]?.failed ?? 0);
  const finished = Number(rows[0]?.finished ?? 0);
  return { failed, finished, percent: finished === 0 ? 0 : Math.round((failed / finished) * 1000) / 10 };
}
