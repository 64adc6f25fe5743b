import type { Pool } from 'pg';
import type { GuardianConfig } from '../../config/guardian';
import { createHttpMonitoringService } from './http-monitoring-service';
import type { MonitoringBackend } from './monitoring-backend';
import { raiseMonitoringFrequency } from './monitoring-overrides';

export type { MonitoringBackend } from './monitoring-backend';

/** The HTTP monitoring service when MONITORING_SERVICE_URL is set, else the built-in table. */
export function createMonitoringBackend(config: GuardianConfig, pool: Pool): MonitoringBackend {
  if (config.monitoringServiceUrl) {
    return createHttpMonitoringService({
      baseUrl: config.monitoringServiceUrl,
      timeoutMs: config.backendRequestTimeoutSeconds * 1000,
    });
  }
  return { kind: 'postgres', raise: (request, now) => raiseMonitoringFrequency(pool, request, now) };
}
