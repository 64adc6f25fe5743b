import type { Pool } from 'pg';
import type { GuardianConfig } from '../../config/guardian';
import { createHttpScalingService } from './http-scaling-service';
import { createPostgresScaling } from './postgres-scaling';
import type { ScalingBackend } from './scaling-backend';

export type { ScalingBackend } from './scaling-backend';
export { targetInstances } from './scaling-backend';

/** The HTTP scaling service when SCALING_SERVICE_URL is set, else the built-in table in PostgreSQL. */
export function createScalingBackend(config: GuardianConfig, pool: Pool): ScalingBackend {
  if (config.scalingServiceUrl) {
    return createHttpScalingService({
      baseUrl: config.scalingServiceUrl,
      timeoutMs: config.backendRequestTimeoutSeconds * 1000,
    });
  }
  return createPostgresScaling(pool);
}
