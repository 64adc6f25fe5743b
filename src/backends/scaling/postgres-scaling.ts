import type { Pool } from 'pg';
import type { ScalingBackend, ScalingChange } from './scaling-backend';

/** A service the table does not know yet runs one instance. */
export const DEFAULT_INSTANCES = 1;

/** The built-in scaling backend: the instance count per service in table service_instances. */
export function createPostgresScaling(pool: Pool): ScalingBackend {
  return {
    kind: 'postgres',

    async instances(serviceName: string): Promise<number> {
      const { rows } = await pool.query<{ instances: number }>(
        'SELECT instances FROM service_instances WHERE service_name = $1',
        [serviceName],
      );
      return rows[0]?.instances ?? DEFAULT_INSTANCES;
    },

    async setInstances(serviceName: string, instances: number, change: ScalingChange): Promise<number> {
      const { rows } = await pool.query<{ instances: number }>(
        `INSERT INTO service_instances (service_name, instances, reason, triggering_event_id, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (service_name) DO UPDATE
           SET instances = EXCLUDED.instances, reason = EXCLUDED.reason,
               triggering_event_id = EXCLUDED.triggering_event_id, updated_at = now()
         RETURNING instances`,
        [serviceName, instances, change.reason, change.triggeringEventId],
      );
      return rows[0].instances;
    },
  };
}
