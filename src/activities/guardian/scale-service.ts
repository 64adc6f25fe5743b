import { ApplicationFailure } from '@temporalio/common';
import { runOnce } from '../../backends/action-ledger';
import { ScalingBackend, targetInstances } from '../../backends/scaling';
import type { ActivityDeps } from '../deps';
import type { ScaleRequest, ScaleResult } from '../../contracts/guardian-activities';

/**
 * SCALE_UP / SCALE_DOWN: changes the serving service's instance count by delta (never below 1,
 * never above SCALING_MAX_INSTANCES). The service defaults to the model's name. Keyed by the
 * triggering event, so a retry sets the same target instead of adding delta again.
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
    if (result.toInstances === result.fromInstances) {
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
