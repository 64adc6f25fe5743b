import type { Pool } from 'pg';

/** Which action, for which model, triggered by what (usually the triggering event id). */
export interface ActionKey {
  action: string;
  modelName: string;
  key: string;
}

export interface LedgerOutcome<R> {
  result: R;
  /** True when an earlier attempt had already finished this action: nothing ran now. */
  replayed: boolean;
}

interface LedgerRow {
  status: 'pending' | 'done';
  plan: unknown;
  result: unknown;
}

async function readRow(pool: Pool, k: ActionKey): Promise<LedgerRow | undefined> {
  const { rows } = await pool.query<LedgerRow>(
    'SELECT status, plan, result FROM guardian_action_ledger WHERE action = $1 AND model_name = $2 AND action_key = $3',
    [k.action, k.modelName, k.key],
  );
  return rows[0];
}

/** Records an action as done (a retried attempt that knows the action already ran, e.g. from its heartbeat). */
export async function markDone(pool: Pool, k: ActionKey, result: unknown): Promise<void> {
  await pool.query(
    `INSERT INTO guardian_action_ledger (action, model_name, action_key, status, plan, result, completed_at)
     VALUES ($1, $2, $3, 'done', '{}', $4, now())
     ON CONFLICT (action, model_name, action_key) DO UPDATE
       SET status = 'done', result = EXCLUDED.result, completed_at = now()
       WHERE guardian_action_ledger.status <> 'done'`,
    [k.action, k.modelName, k.key, JSON.stringify(result ?? null)],
  );
}

/**
 * Runs an action at most once per key, surviving retries and crashes: the plan (what to change,
 * e.g. serve 6 instead of 7) is stored before anything changes, so a retried attempt finishes
 * that same plan instead of planning again from a world it already changed. `execute` must be
 * idempotent for a given plan (set a value, not add to it).
 */
export async function runOnce<P, R>(
  pool: Pool,
  k: ActionKey,
  plan: () => Promise<P>,
  execute: (plan: P) => Promise<R>,
): Promise<LedgerOutcome<R>> {
  let row = await readRow(pool, k);
  if (row?.status === 'done') return { result: row.result as R, replayed: true };
  if (!row) {
    const fresh = await plan();
    await pool.query(
      `INSERT INTO guardian_action_ledger (action, model_name, action_key, status, plan)
       VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT DO NOTHING`,
      [k.action, k.modelName, k.key, JSON.stringify(fresh ?? {})],
    );
    // Another attempt may have inserted first: its plan wins, so both finish the same change.
    row = (await readRow(pool, k))!;
    if (row.status === 'done') return { result: row.result as R, replayed: true };
  }
  const result = await execute(row.plan as P);
  await pool.query(
    `UPDATE guardian_action_ledger SET status = 'done', result = $4, completed_at = now()
     WHERE action = $1 AND model_name = $2 AND action_key = $3`,
    [k.action, k.modelName, k.key, JSON.stringify(result ?? null)],
  );
  return { result, replayed: false };
}
