import { z } from 'zod';
import { callHttpBackend, type HttpBackendTarget, parseReply } from '../http/http-backend';
import {
  type MeasuredPair,
  metricMissing,
  metricValue,
  type MetricsQuery,
  type MetricsSource,
} from './metrics-source';

const metricMap = z.record(z.string(), z.unknown()).nullish();
const finishedJob = z.object({ metrics: metricMap, champion_metrics: metricMap });

/**
 * The training service's own result (README "Backends"): GET /jobs/{id} of a finished job may
 * carry `metrics` (the candidate's, on the service's holdout set) and `champion_metrics` (the
 * serving version's, on the same set). Read again after training, so the numbers are the
 * service's current answer and nothing has to be kept between activities.
 */
export function createTrainingResultMetrics(target: HttpBackendTarget): MetricsSource {
  return {
    kind: 'training',
    async measure(query: MetricsQuery): Promise<MeasuredPair> {
      const reply = await callHttpBackend(target, { method: 'GET', path: ['jobs', query.trainingJobId] });
      const job = parseReply(target, reply, finishedJob);
      const candidate = metricValue(job.metrics?.[query.metric]);
      if (candidate === undefined)
        throw metricMissing(query, `the result of training job ${query.trainingJobId}`);
      if (query.championVersion === undefined) return { candidate };
      const champion = metricValue(job.champion_metrics?.[query.metric]);
      if (champion === undefined)
        throw metricMissing(
          query,
          `the champion_metrics of training job ${query.trainingJobId} (champion version ${query.championVersion})`,
        );
      return { candidate, champion };
    },
  };
}
