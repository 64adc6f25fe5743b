import type { Pool } from 'pg';
import type { GuardianConfig } from '../../config/guardian';
import { createMlflowRegistry } from './mlflow-registry';
import type { ModelRegistry } from './model-registry';
import { createPostgresRegistry } from './postgres-registry';

export type { ModelRegistry, RollbackPlan } from './model-registry';

/** MLflow when MLFLOW_TRACKING_URI is set, else the built-in registry in PostgreSQL. */
export function createModelRegistry(config: GuardianConfig, pool: Pool): ModelRegistry {
  if (config.mlflowTrackingUri) {
    return createMlflowRegistry({
      trackingUri: config.mlflowTrackingUri,
      servingAlias: config.mlflowServingAlias,
      token: config.mlflowTrackingToken,
      timeoutMs: config.backendRequestTimeoutSeconds * 1000,
    });
  }
  return createPostgresRegistry(pool);
}
