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

/** One job as the backend that ran it names it, within the trigger that started it. */
export interface TrainingJobRef {
  modelName: string;
  triggeringEventId: string;
  backend: string;
  jobId: string;
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
const MATCH_REF = 'model_name = $1 AND triggering_event_id = $2 AND backend = $3 AND job_id = $4';
const refParams = (ref: TrainingJobRef) => [ref.modelName, ref.triggeringEventId, ref.backend, ref.jobId];

/** Training jobs in PostgreSQL: which job a trigger started, and how it ended. */
export function createTrainingJobStore(pool: Pool) {
  return {
    /** Records a job that has just been submitted. */
    async started(ref: TrainingJobRef, spec: TrainingJobSpec): Promise<void> {
      await pool.query(
        `INSERT INTO guardian_training_jobs (model_name, triggering_event_id, backend, job_id, status, reason, priority)
         VALUES ($1, $2, $3, $4, 'running', $5, $6)
         ON CONFLICT (model_name, triggering_event_id, backend, job_id) DO NOTHING`,
        [...refParams(ref), spec.reason, spec.priority],
      );
    },

    /** Records how a job ended (the first end recorded wins). */
    async finished(ref: TrainingJobRef, outcome: TrainingJobOutcome): Promise<void> {
      await pool.query(
        `UPDATE guardian_training_jobs SET status = $5, detail = $6, new_version = $7, finished_at = now()
         WHERE ${MATCH_REF} AND status = 'running'`,
        [...refParams(ref), outcome.status, outcome.detail ?? null, outcome.newVersion ?? null],
      );
    },

    async get(ref: TrainingJobRef): Promise<TrainingJobRow | undefined> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM guardian_training_jobs WHERE ${MATCH_REF}`,
        refParams(ref),
      );
      return rows[0] ? toRow(rows[0]) : undefined;
    },

    /** The latest job this trigger started for the model on this backend, if any. */
    async latestFor(
      modelName: string,
      triggeringEventId: string,
      backend: string,
    ): Promise<TrainingJobRow | undefined> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM guardian_training_jobs
          WHERE model_name = $1 AND triggering_event_id = $2 AND backend = $3
          ORDER BY started_at DESC, id DESC LIMIT 1`,
        [modelName, triggeringEventId, backend],
      );
      return rows[0] ? toRow(rows[0]) : undefined;
    },
  };
}

export type TrainingJobStore = ReturnType<typeof createTrainingJobStore>;
