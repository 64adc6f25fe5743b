import { ApplicationFailure } from '@temporalio/common';
import { runOnce } from '../../backends/action-ledger';
import { ScalingBackend, targetInstances } from '../../backends/scaling';
import { recentScaleByAnotherModel } from '../../backends/scaling/service-cooldown';
import { COOLDOWN_MS } from '../../domain/policy/cooldowns';
import type { ActivityDeps } from '../deps';
import type { ScaleRequest, ScaleResult } from '../../contracts/guardian-activities';

/**
 * SCALE_UP / SCALE_DOWN: changes the serving service's instance count by delta (never below 1,
 * never above SCALING_MAX_INSTANCES). The service defaults to the model's name. Keyed by the
 * triggering event, so a retry sets the same target instead of adding delta again. A service that
 * another model's decision scaled the same way within that action's cooldown is left as it is:
 * cooldowns hold per service, not only per model.
 */
export function createScaleService(deps: ActivityDeps, backend: ScalingBackend) {
  return async function scaleService(request: ScaleRequest): Promise<ScaleResult> {
    if (!Number.isInteger(request.delta) || request.delta === 0) {
      throw ApplicationFailure.nonRetryable(
        `scale delta must be a non-zero integer, got ${request.delta}`,
        'InvalidScaleRequest',
      );
    }
    const serviceName = request.serviceName ?? request.modelName;
    const log = deps.logger.child({
      activity: 'scaleService',
      model_name: request.modelName,
      service_name: serviceName,
      triggering_event_id: request.triggeringEventId,
    });
    const { result, replayed } = await runOnce<ScaleResult, ScaleResult>(
      deps.pool,
      { action: 'scale', modelName: request.modelName, key: request.triggeringEventId },
      async () => {
        const fromInstances = await backend.instances(serviceName);
        const action = request.delta > 0 ? 'SCALE_UP' : 'SCALE_DOWN';
        const recent = await recentScaleByAnotherModel(
          deps.pool,
          serviceName,
          request.delta,
          request.modelName,
          COOLDOWN_MS[action],
        );
        if (recent) {
          const heldBy =
            `${action} of ${serviceName} held: model ${recent.modelName} scaled it ` +
            `${recent.fromInstances} → ${recent.toInstances} at ${recent.at.toISOString()} ` +
            `(event ${recent.triggeringEventId}), inside the service's ${COOLDOWN_MS[action] / 60_000}-minute ${action} cooldown`;
          return { serviceName, fromInstances, toInstances: fromInstances, heldBy };
        }
        const toInstances = targetInstances(
          fromInstances,
          request.delta,
          deps.config.guardian.scalingMaxInstances,
        );
        return { serviceName, fromInstances, toInstances };
      },
      async (plan) => {
        if (plan.toInstances === plan.fromInstances) return plan;
        await backend.setInstances(plan.serviceName, plan.toInstances, {
          modelName: request.modelName,
          reason: request.reason,
          triggeringEventId: request.triggeringEventId,
        });
        return plan;
      },
    );
    if (result.heldBy) {
      log.info(
        { instances: result.fromInstances, held_by: result.heldBy },
        'service in its cooldown: unchanged',
      );
    } else if (result.toInstances === result.fromInstances) {
      log.warn(
        { instances: result.fromInstances, delta: request.delta },
        'instance count already at its limit: unchanged',
      );
    } else {
      log.info(
        { from: result.fromInstances, to: result.toInstances, replayed, backend: backend.kind },
        'service scaled',
      );
    }
    return result;
  };
}
