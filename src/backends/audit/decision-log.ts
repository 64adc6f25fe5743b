import type { Pool } from 'pg';
import type { DecisionRecord } from '../../contracts/guardian-activities';

const COLUMNS_PER_ROW = 9;

/**
 * Writes decisions to the audit trail in one statement (one round trip, one commit). The first
 * write for (model, event) wins: a redelivered event or a retried activity must never replace the
 * decision the guardian took first (a duplicate's "skipped: duplicate" would otherwise overwrite
 * the real decision); inside one call, too, the earlier record wins.
 * Returns the records whose rows are new, so each decision is counted once however often it is written.
 */
export async function insertDecisions(pool: Pool, records: DecisionRecord[]): Promise<DecisionRecord[]> {
  if (records.length === 0) return [];
  const values = records.flatMap((r) => [
    r.modelName,
    r.eventId,
    r.eventType,
    r.severity,
    r.action,
    r.executed,
    r.reason,
    r.decidedAt,
    JSON.stringify(r.details ?? {}),
  ]);
  const rows = records.map((_, i) => {
    const first = i * COLUMNS_PER_ROW + 1;
    return `(${Array.from({ length: COLUMNS_PER_ROW }, (__, c) => `$${first + c}`).join(', ')})`;
  });
  const { rows: inserted } = await pool.query<{ model_name: string; event_id: string }>(
    `INSERT INTO guardian_decisions
       (model_name, event_id, event_type, severity, action, executed, reason, decided_at, details)
     VALUES ${rows.join(',\n            ')}
     ON CONFLICT (model_name, event_id) DO NOTHING
     RETURNING model_name, event_id`,
    values,
  );
  const isNew = new Set(inserted.map((r) => JSON.stringify([r.model_name, r.event_id])));
  // The earlier of two records with one key is the one written (ON CONFLICT keeps the first).
  return records.filter((r) => isNew.delete(JSON.stringify([r.modelName, r.eventId])));
}

/** Writes decisions (see insertDecisions); returns how many rows were new. */
export async function writeDecisions(pool: Pool, records: DecisionRecord[]): Promise<number> {
  return (await insertDecisions(pool, records)).length;
}

/** Writes one decision (see writeDecisions); false when it was already recorded. */
export async function writeDecision(pool: Pool, record: DecisionRecord): Promise<boolean> {
  return (await writeDecisions(pool, [record])) === 1;
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
  return rows.map(decisionRecordOf);
}

/** A `guardian_decisions` row (model_name … details) as the guardian's DecisionRecord. */
export function decisionRecordOf(r: Record<string, unknown>): DecisionRecord {
  return {
    modelName: r.model_name as string,
    eventId: r.event_id as string,
    eventType: r.event_type as string,
    severity: r.severity as string,
    action: r.action as string,
    executed: r.executed as boolean,
    reason: r.reason as string,
    decidedAt: (r.decided_at as Date).toISOString(),
    details: r.details as Record<string, unknown>,
  };
}
