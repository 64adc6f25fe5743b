import { z } from 'zod';
import { callHttpBackend, type HttpBackendTarget, parseReply } from '../http/http-backend';
import { idempotencyKey } from '../http/idempotency-key';
import {
  type MeasuredPair,
  metricMissing,
  metricValue,
  type MetricsQuery,
  type MetricsSource,
} from './metrics-source';

const evaluated = z.object({
  candidate: z.number().nullish(),
  champion: z.number().nullish(),
});

/**
 * An HTTP evaluation service (README "Backends"): POST /evaluations with both versions and the
 * metric; it answers `{ "candidate": 0.91, "champion": 0.89 }` (null for a value it could not
 * measure). The service does the measuring, e.g. on a fresh holdout set.
 */
export function createHttpEvaluationService(target: HttpBackendTarget): MetricsSource {
  return {
    kind: 'service',
    async measure(query: MetricsQuery): Promise<MeasuredPair> {
      const reply = await callHttpBackend(target, {
        method: 'POST',
        path: ['evaluations'],
        headers: {
          'idempotency-key': idempotencyKey(query.modelName, `${query.triggeringEventId}:evaluation`),
        },
        body: {
          model_name: query.modelName,
          metric: query.metric,
          candidate_version: query.candidateVersion,
          champion_version: query.championVersion ?? null,
          training_job_id: query.trainingJobId,
          triggering_event_id: query.triggeringEventId,
        },
      });
      const body = parseReply(target, reply, evaluated);
      const candidate = metricValue(body.candidate);
      if (candidate === undefined) throw metricMissing(query, 'the evaluation service answer');
      if (query.championVersion === undefined) return { candidate };
      const champion = metricValue(body.champion);
      if (champion === undefined)
        throw metricMissing(
          query,
          `the evaluation service answer for champion version ${query.championVersion}`,
        );
      return { candidate, champion };
    },
  };
}
