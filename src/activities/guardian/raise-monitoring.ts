import { ApplicationFailure } from '@temporalio/common';
import type { MonitoringBackend } from '../../backends/monitoring';
import type { ActivityDeps } from '../deps';
import type { MonitoringRequest, MonitoringResult } from '../../contracts/guardian-activities';

/** MONITOR: raises the model's check frequency on the monitoring backend (HTTP service or table). */
export function createRaiseMonitoring(deps: ActivityDeps, backend: MonitoringBackend) {
  return async function raiseMonitoring(request: MonitoringRequest): Promise<MonitoringResult> {
    if (!(request.intervalSeconds > 0) || !(request.durationSeconds > 0)) {
      throw ApplicationFailure.nonRetryable(
        `monitoring interval and duration must be positive, got ${request.intervalSeconds}s for ${request.durationSeconds}s`,
        'InvalidMonitoringRequest',
      );
    }
    const until = await backend.raise(request, new Date());
    deps.logger.info(
      {
        activity: 'raiseMonitoring',
        backend: backend.kind,
        model_name: request.modelName,
        interval_seconds: request.intervalSeconds,
        until,
      },
      'monitoring frequency raised',
    );
    return { until: until.toISOString() };
  };
}
