import type { Pool } from 'pg';
import type { DecisionRecord } from '../../contracts/guardian-activities';

/**
 * Writes one decision to the audit trail. The first write for (model, event) wins: a redelivered
 * event or a retried activity must never replace the decision the guardian took first (a
 * duplicate's "skipped: duplicate" would otherwise overwrite the real decision).
 * Returns false when the decision was already recorded.
 */
export async function writeDecision(pool: Pool, record: DecisionRecord): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO guardian_decisions
       (model_name, event_id, event_type, severity, action, executed, reason, decided_at, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (model_name, event_id) DO NOTHING`,
    [
      record.modelName,
      record.eventId,
      record.eventType,
      record.severity,
      record.action,
      record.executed,
      record.reason,
      record.decidedAt,
      JSON.stringify(record.details ?? {}),
    ],
  );
  return rowCount === 1;
}

/** The most recent decisions for a model, newest first. */
export async function readDecisionHistory(
  pool: Pool,
  modelName: string,
  limit: number,
): Promise<DecisionRecord[]> {
  const { rows } = await pool.query(
    `SELECT model_name, event_id, event_type, severity, action, executed, reason, decided_at, details
       FROM guardian_decisions WHERE model_name = $1
      ORDER BY decided_at DESC, id DESC LIMIT $2`,
    [modelName, limit],
  );
  return rows.map((r) => ({
    modelName: r.model_name,
    eventId: r.event_id,
    eventType: r.event_type,
    severity: r.severity,
    action: r.action,
    executed: r.executed,
    reason: r.reason,
    decidedAt: (r.decided_at as Date).toISOString(),
    details: r.details,
  }));
}
