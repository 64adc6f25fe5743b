import { runOnce } from '../../backends/action-ledger';
import { deterministicUuid } from '../../backends/deterministic-id';
import { ApplicationFailure } from '@temporalio/common';
import type { ModelRegistry, RollbackPlan } from '../../backends/registry';
import type { ActivityDeps } from '../deps';
import {
  type RollbackRequest,
  type RollbackResult,
  SERVING_VERSION_CHANGED_FAILURE,
} from '../../contracts/guardian-activities';

/**
 * ROLLBACK: serves the previous stable version (or the version asked for) and publishes
 * model.deployed. Keyed by the triggering event: a retried attempt finishes the same from→to
 * switch, never a second rollback.
 */
export function createRollbackModel(deps: ActivityDeps, registry: ModelRegistry) {
  return async function rollbackModel(request: RollbackRequest): Promise<RollbackResult> {
    const { modelName, triggeringEventId, reason } = request;
    const log = deps.logger.child({
      activity: 'rollbackModel',
      model_name: modelName,
      triggering_event_id: triggeringEventId,
    });
    const { result, replayed } = await runOnce<RollbackPlan, RollbackResult>(
      deps.pool,
      { action: 'rollback', modelName, key: triggeringEventId },
      async () => {
        const plan = await registry.planRollback(modelName, request.toVersion);
        // A watch's rollback undoes one promotion: if someone has served another version since, leave it.
        if (request.fromVersion !== undefined && plan.fromVersion !== request.fromVersion) {
          throw ApplicationFailure.create({
            type: SERVING_VERSION_CHANGED_FAILURE,
            nonRetryable: true,
            message: `Not rolled back to version ${plan.toVersion}: version ${plan.fromVersion} serves model '${modelName}', not the watched version ${request.fromVersion}`,
          });
        }
        return plan;
      },
      async (plan) => {
        await registry.serve(modelName, plan.toVersion, { reason, triggeringEventId });
        await deps.publisher.publish(
          deps.config.kafka.topicDeployed,
          modelName,
          'model_deployed',
          {
            model_name: modelName,
            from_version: plan.fromVersion,
            to_version: plan.toVersion,
            change: 'rollback',
            reason,
            triggering_event_id: triggeringEventId,
            registry: registry.kind,
          },
          deterministicUuid('model.deployed', modelName, triggeringEventId),
        );
        return { fromVersion: plan.fromVersion, toVersion: plan.toVersion };
      },
    );
    log.info(
      { from_version: result.fromVersion, to_version: result.toVersion, replayed },
      'model rolled back',
    );
    return result;
  };
}
