import type { Pool } from 'pg';
import type { TrainingJobOutcome, TrainingJobSpec } from './training-backend';

export interface TrainingJobRow {
  jobId: string;
  modelName: string;
  triggeringEventId: string;
  backend: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  detail?: string;
  newVersion?: string;
}

function toRow(r: Record<string, unknown>): TrainingJobRow {
  return {
    jobId: r.job_id as string,
    modelName: r.model_name as string,
    triggeringEventId: r.triggering_event_id as string,
    backend: r.backend as string,
    status: r.status as TrainingJobRow['status'],
    detail: (r.detail as string | null) ?? undefined,
    newVersion: (r.new_version as string | null) ?? undefined,
  };
}

const COLUMNS = 'job_id, model_name, triggering_event_id, backend, status, detail, new_version';

/** Training jobs in PostgreSQL: which job a trigger started, and how it ended. */
export function createTrainingJobStore(pool: Pool) {
  return {
    /** Records a job that has just been submitted. */
    async started(jobId: string, spec: TrainingJobSpec, backend: string): Promise<void> {
      await pool.query(
        `INSERT INTO guardian_training_jobs (job_id, model_name, triggering_event_id, backend, status, reason, priority)
         VALUES ($1, $2, $3, $4, 'running', $5, $6) ON CONFLICT (job_id) DO NOTHING`,
        [jobId, spec.modelName, spec.triggeringEventId, backend, spec.reason, spec.priority],
      );
    },

    /** Records how a job ended (the first end recorded wins). */
    async finished(jobId: string, outcome: TrainingJobOutcome): Promise<void> {
      await pool.query(
        `UPDATE guardian_training_jobs SET status = $2, detail = $3, new_version = $4, finished_at = now()
         WHERE job_id = $1 AND status = 'running'`,
        [jobId, outcome.status, outcome.detail ?? null, outcome.newVersion ?? null],
      );
    },

    async get(jobId: string): Promise<TrainingJobRow | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM guardian_training_jobs WHERE job_id = $1`, [jobId]);
      return rows[0] ? toRow(rows[0]) : undefined;
    },

    /** The latest job this trigger started for the model, if any. */
    async latestFor(modelName: string, triggeringEventId: string): Promise<TrainingJobRow | undefined> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM guardian_training_jobs WHERE model_name = $1 AND triggering_event_id = $2
         ORDER BY started_at DESC LIMIT 1`,
        [modelName, triggeringEventId],
      );
      return rows[0] ? toRow(rows[0]) : undefined;
    },
  };
}

export type TrainingJobStore = ReturnType<typeof createTrainingJobStore>;
