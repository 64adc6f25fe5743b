import { runOnce } from '../../backends/action-ledger';
import { deterministicUuid } from '../../backends/deterministic-id';
import type { ModelRegistry } from '../../backends/registry';
import type { ActivityDeps } from '../deps';
import type { PromotionRequest, PromotionResult } from '../../contracts/guardian-activities';

/**
 * Serves a candidate that passed evaluation and publishes model.deployed with the numbers.
 * Keyed by the triggering event like a rollback: a retried attempt finishes the same switch.
 */
export function createPromoteModel(deps: ActivityDeps, registry: ModelRegistry) {
  return async function promoteModel(request: PromotionRequest): Promise<PromotionResult> {
    const { modelName, toVersion, triggeringEventId, reason, verdict } = request;
    const { result, replayed } = await runOnce<{ fromVersion: string | null }, PromotionResult>(
      deps.pool,
      { action: 'promote', modelName, key: triggeringEventId },
      async () => ({ fromVersion: (await registry.servingVersion(modelName)) ?? null }),
      async (plan) => {
        await registry.promote(modelName, toVersion, { reason, triggeringEventId });
        await deps.publisher.publish(
          deps.config.kafka.topicDeployed,
          modelName,
          'model_deployed',
          {
            model_name: modelName,
            from_version: plan.fromVersion,
            to_version: toVersion,
            change: 'promotion',
            reason,
            triggering_event_id: triggeringEventId,
            registry: registry.kind,
            evaluation: {
              metric: verdict.metric,
              candidate: verdict.candidate,
              champion: verdict.champion ?? null,
              champion_version: verdict.championVersion ?? null,
              improvement: verdict.improvement ?? null,
              rule: verdict.rule,
              passed: verdict.pass,
            },
          },
          deterministicUuid('model.deployed', modelName, triggeringEventId, 'promotion'),
        );
        return plan.fromVersion === null ? { toVersion } : { fromVersion: plan.fromVersion, toVersion };
      },
    );
    deps.logger.info(
      {
        activity: 'promoteModel',
        model_name: modelName,
        triggering_event_id: triggeringEventId,
        from_version: result.fromVersion ?? null,
        to_version: result.toVersion,
        replayed,
      },
      'model promoted',
    );
    return result;
  };
}
