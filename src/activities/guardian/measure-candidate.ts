import type { MetricsSource } from '../../backends/evaluation';
import type { ModelRegistry } from '../../backends/registry';
import type { ActivityDeps } from '../deps';
import type { EvaluationRequest } from '../../contracts/guardian-activities';
import type { MeasuredMetrics } from '../../domain/evaluation/judge-candidate';

/**
 * Measures a retrained candidate and the version serving now (the champion) on one metric.
 * Reads only: the workflow judges the numbers, so the rule is in workflow state and replayable.
 */
export function createMeasureCandidate(
  deps: ActivityDeps,
  registry: ModelRegistry,
  sourceOf: () => MetricsSource,
) {
  return async function measureCandidate(request: EvaluationRequest): Promise<MeasuredMetrics> {
    const source = sourceOf();
    const championVersion = await registry.servingVersion(request.modelName);
    // A retrain that produced the serving version again (or a registry already moved to it) has
    // no champion to beat but itself.
    const champion = championVersion === request.candidateVersion ? undefined : championVersion;
    const pair = await source.measure({ ...request, championVersion: champion });
    deps.logger.info(
      {
        activity: 'measureCandidate',
        model_name: request.modelName,
        metric: request.metric,
        candidate_version: request.candidateVersion,
        candidate: pair.candidate,
        champion_version: champion ?? null,
        champion: pair.champion ?? null,
        source: source.kind,
      },
      'candidate measured',
    );
    return {
      metric: request.metric,
      candidateVersion: request.candidateVersion,
      candidate: pair.candidate,
      ...(champion !== undefined && pair.champion !== undefined
        ? { championVersion: champion, champion: pair.champion }
        : {}),
    };
  };
}
