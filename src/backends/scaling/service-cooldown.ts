import type { Pool } from 'pg';

/** A scale of the same service in the same direction, by another model's decision. */
export interface RecentScale {
  modelName: string;
  triggeringEventId: string;
  at: Date;
  fromInstances: number;
  toInstances: number;
}

/**
 * The latest scale of `serviceName` in the direction of `delta` that another model's decision
 * started within `withinMs`, from the action ledger. A guardian's cooldowns are per model, so
 * without this any number of models (or rotating model names) naming one service could each scale
 * it again inside its cooldown.
 */
export async function recentScaleByAnotherModel(
  pool: Pool,
  serviceName: string,
  delta: number,
  modelName: string,
  withinMs: number,
): Promise<RecentScale | undefined> {
  const { rows } = await pool.query<{
    model_name: string;
    action_key: string;
    started_at: Date;
    from_instances: number;
    to_instances: number;
  }>(
    `SELECT model_name, action_key, started_at,
            (plan->>'fromInstances')::int AS from_instances, (plan->>'toInstances')::int AS to_instances
       FROM guardian_action_ledger
      WHERE action = 'scale' AND plan->>'serviceName' = $1 AND model_name <> $2
        AND started_at > now() - make_interval(secs => $3)
        AND sign((plan->>'toInstances')::int - (plan->>'fromInstances')::int) = sign($4::int)
      ORDER BY started_at DESC
      LIMIT 1`,
    [serviceName, modelName, withinMs / 1000, delta],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    modelName: row.model_name,
    triggeringEventId: row.action_key,
    at: row.started_at,
    fromInstances: row.from_instances,
    toInstances: row.to_instances,
  };
}
