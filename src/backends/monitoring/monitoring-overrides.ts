import type { Pool } from 'pg';

export interface MonitoringOverride {
  modelName: string;
  intervalSeconds: number;
  until: Date;
  reason: string;
  triggeringEventId: string;
}

/**
 * Records a raised monitoring frequency (table model_monitoring_overrides). One row per trigger:
 * a retried call returns the `until` the first call stored instead of extending it.
 */
export async function raiseMonitoringFrequency(
  pool: Pool,
  request: {
    modelName: string;
    intervalSeconds: number;
    durationSeconds: number;
    reason: string;
    triggeringEventId: string;
  },
  now: Date,
): Promise<Date> {
  const until = new Date(now.getTime() + request.durationSeconds * 1000);
  await pool.query(
    `INSERT INTO model_monitoring_overrides (model_name, interval_seconds, starts_at, until, reason, triggering_event_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (model_name, triggering_event_id) DO NOTHING`,
    [request.modelName, request.intervalSeconds, now, until, request.reason, request.triggeringEventId],
  );
  const { rows } = await pool.query<{ until: Date }>(
    'SELECT until FROM model_monitoring_overrides WHERE model_name = $1 AND triggering_event_id = $2',
    [request.modelName, request.triggeringEventId],
  );
  return rows[0].until;
}

/** The override in force for a model at `at` (the one that runs longest), if any. */
export async function activeMonitoringOverride(
  pool: Pool,
  modelName: string,
  at: Date,
): Promise<MonitoringOverride | undefined> {
  const { rows } = await pool.query(
    `SELECT model_name, interval_seconds, until, reason, triggering_event_id FROM model_monitoring_overrides
      WHERE model_name = $1 AND starts_at <= $2 AND until > $2 ORDER BY until DESC LIMIT 1`,
    [modelName, at],
  );
  const r = rows[0];
  return r
    ? {
        modelName: r.model_name,
        intervalSeconds: r.interval_seconds,
        until: r.until,
        reason: r.reason,
        triggeringEventId: r.triggering_event_id,
      }
    : undefined;
}
