import type { Pool } from 'pg';
import {
  type MeasuredPair,
  metricMissing,
  metricValue,
  type MetricsQuery,
  type MetricsSource,
} from './metrics-source';

/**
 * The built-in metrics table `model_version_metrics` in PostgreSQL: what a developer runs
 * without MLflow or an evaluation service. Whoever trains writes each version's numbers there.
 */
export function createPostgresVersionMetrics(pool: Pool) {
  async function metricOf(query: MetricsQuery, version: string): Promise<number> {
    const { rows } = await pool.query<{ value: number }>(
      'SELECT value FROM model_version_metrics WHERE model_name = $1 AND version = $2 AND metric = $3',
      [query.modelName, version, query.metric],
    );
    const value = metricValue(rows[0]?.value);
    if (value === undefined) throw metricMissing(query, `model_version_metrics (version ${version})`);
    return value;
  }

  return {
    kind: 'builtin' as const,

    async measure(query: MetricsQuery): Promise<MeasuredPair> {
      const candidate = await metricOf(query, query.candidateVersion);
      if (query.championVersion === undefined) return { candidate };
      return { candidate, champion: await metricOf(query, query.championVersion) };
    },

    /** Records (or corrects) one metric of a version. */
    async record(modelName: string, version: string, metric: string, value: number): Promise<void> {
      await pool.query(
        `INSERT INTO model_version_metrics (model_name, version, metric, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (model_name, version, metric) DO UPDATE SET value = EXCLUDED.value, recorded_at = now()`,
        [modelName, version, metric, value],
      );
    },
  } satisfies MetricsSource & Record<string, unknown>;
}
