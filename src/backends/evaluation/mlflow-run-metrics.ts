import { z } from 'zod';
import { callHttpBackend, type HttpBackendTarget, parseReply } from '../http/http-backend';
import { MLFLOW_API } from '../registry/mlflow-registry';
import {
  type MeasuredPair,
  metricMissing,
  metricValue,
  type MetricsQuery,
  type MetricsSource,
} from './metrics-source';

const versionReply = z.object({
  model_version: z.object({ run_id: z.string().nullish() }),
});
const runReply = z.object({
  run: z.object({
    data: z
      .object({
        metrics: z.array(z.object({ key: z.string(), value: z.unknown() })).nullish(),
      })
      .nullish(),
  }),
});

/**
 * MLflow run metrics (REST API 2.0): each registered version names the run that produced it
 * (model-versions/get → run_id), and runs/get lists that run's latest value of every metric.
 */
export function createMlflowRunMetrics(target: HttpBackendTarget): MetricsSource {
  async function metricOf(query: MetricsQuery, version: string): Promise<number> {
    const where = `MLflow (model ${query.modelName} version ${version})`;
    const found = await callHttpBackend(target, {
      method: 'GET',
      path: [...MLFLOW_API, 'model-versions', 'get'],
      query: { name: query.modelName, version },
    });
    const runId = parseReply(target, found, versionReply).model_version.run_id;
    if (!runId) throw metricMissing(query, `${where}, whose version names no run,`);
    const run = await callHttpBackend(target, {
      method: 'GET',
      path: [...MLFLOW_API, 'runs', 'get'],
      query: { run_id: runId },
    });
    const metrics = parseReply(target, run, runReply).run.data?.metrics ?? [];
    const value = metricValue(metrics.find((m) => m.key === query.metric)?.value);
    if (value === undefined) throw metricMissing(query, `${where}, run ${runId},`);
    return value;
  }

  return {
    kind: 'mlflow',
    async measure(query: MetricsQuery): Promise<MeasuredPair> {
      const candidate = await metricOf(query, query.candidateVersion);
      if (query.championVersion === undefined) return { candidate };
      return { candidate, champion: await metricOf(query, query.championVersion) };
    },
  };
}
