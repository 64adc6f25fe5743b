import { ApplicationFailure } from '@temporalio/common';
import { raiseMonitoringFrequency } from '../../backends/monitoring/monitoring-overrides';
import type { ActivityDeps } from '../deps';
import type { MonitoringRequest, MonitoringResult } from '../../contracts/guardian-activities';

/** MONITOR: records a raised check frequency for the model (table model_monitoring_overrides). */
export function createRaiseMonitoring(deps: ActivityDeps) {
  return async function raiseMonitoring(request: MonitoringRequest): Promise<MonitoringResult> {
    if (!(request.intervalSeconds > 0) || !(request.durationSeconds > 0)) {
      throw ApplicationFailure.nonRetryable(
        `monitoring interval and duration must be positive, got ${request.intervalSeconds}s for ${request.durationSeconds}s`,
        'InvalidMonitoringRequest',
      );
    }
    const until = await raiseMonitoringFrequency(deps.pool, request, new Date());
    deps.logger.info(
      {
        activity: 'raiseMonitoring',
        model_name: request.modelName,
        interval_seconds: request.intervalSeconds,
        until,
      },
      'monitoring frequency raised',
    );
    return { until: until.toISOString() };
  };
}
