import type { Pool } from 'pg';
import { ModelRegistry, noStableVersion, RollbackPlan, ServingChange } from './model-registry';

export interface RegisteredVersion {
  version: string;
  stable: boolean;
  serving: boolean;
}

/**
 * The built-in registry (tables model_versions and model_serving): versions in registration
 * order, a stable flag per version, and the version each model serves.
 */
export function createPostgresRegistry(pool: Pool) {
  const registry = {
    kind: 'postgres' as const,

    async planRollback(modelName: string, toVersion?: string): Promise<RollbackPlan> {
      const serving = await pool.query<{ version: string; seq: string }>(
        `SELECT s.version, v.seq FROM model_serving s
           JOIN model_versions v ON v.model_name = s.model_name AND v.version = s.version
          WHERE s.model_name = $1`,
        [modelName],
      );
      if (serving.rowCount === 0) {
        throw noStableVersion(
          modelName,
          'the built-in registry has no serving version for it (table model_serving)',
        );
      }
      const { version: fromVersion, seq } = serving.rows[0];
      if (toVersion !== undefined) {
        // The replaced champion served until the promotion: it need not be marked stable.
        const target = await pool.query(
          'SELECT 1 FROM model_versions WHERE model_name = $1 AND version = $2',
          [modelName, toVersion],
        );
        if (target.rowCount === 0) {
          throw noStableVersion(
            modelName,
            `version ${toVersion} is not in the built-in registry (table model_versions)`,
          );
        }
        return { fromVersion, toVersion };
      }
      const previous = await pool.query<{ version: string }>(
        `SELECT version FROM model_versions
          WHERE model_name = $1 AND stable AND seq < $2 ORDER BY seq DESC LIMIT 1`,
        [modelName, seq],
      );
      if (previous.rowCount === 0) {
        throw noStableVersion(
          modelName,
          `no stable version was registered before the serving version ${fromVersion} (mark one with model_versions.stable = true)`,
        );
      }
      return { fromVersion, toVersion: previous.rows[0].version };
    },

    async serve(modelName: string, version: string, change: ServingChange): Promise<void> {
      await pool.query(
        `INSERT INTO model_serving (model_name, version, reason, triggering_event_id, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (model_name) DO UPDATE
           SET version = EXCLUDED.version, reason = EXCLUDED.reason,
               triggering_event_id = EXCLUDED.triggering_event_id, updated_at = now()`,
        [modelName, version, change.reason, change.triggeringEventId],
      );
    },

    /** Registers a version (after every version registered before it); re-registering updates its stable flag. */
    async registerVersion(
      modelName: string,
      version: string,
      options: { stable?: boolean; description?: string } = {},
    ) {
      await pool.query(
        `INSERT INTO model_versions (model_name, version, stable, description) VALUES ($1, $2, $3, $4)
         ON CONFLICT (model_name, version) DO UPDATE SET stable = EXCLUDED.stable`,
        [modelName, version, options.stable ?? false, options.description ?? ''],
      );
    },

    /** The version served now, if any. */
    async servingVersion(modelName: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ version: string }>(
        'SELECT version FROM model_serving WHERE model_name = $1',
        [modelName],
      );
      return rows[0]?.version;
    },

    /** Registered as not yet stable: a rollback returns to it only once an operator marks it stable. */
    async promote(modelName: string, version: string, change: ServingChange): Promise<void> {
      await pool.query(
        `INSERT INTO model_versions (model_name, version, stable, description) VALUES ($1, $2, false, $3)
         ON CONFLICT (model_name, version) DO NOTHING`,
        [modelName, version, `promoted after evaluation: ${change.reason}`],
      );
      await registry.serve(modelName, version, change);
    },

    /** Every version of a model in registration order. */
    async versions(modelName: string): Promise<RegisteredVersion[]> {
      const { rows } = await pool.query<{ version: string; stable: boolean; serving: boolean }>(
        `SELECT v.version, v.stable, (s.version IS NOT NULL) AS serving
           FROM model_versions v LEFT JOIN model_serving s ON s.model_name = v.model_name AND s.version = v.version
          WHERE v.model_name = $1 ORDER BY v.seq`,
        [modelName],
      );
      return rows;
    },
  } satisfies ModelRegistry & Record<string, unknown>;
  return registry;
}

export type PostgresRegistry = ReturnType<typeof createPostgresRegistry>;
