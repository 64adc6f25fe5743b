import { ApplicationFailure } from '@temporalio/common';
import { NO_STABLE_VERSION_FAILURE } from '../../contracts/guardian-activities';

/** The serving version now, and the stable version a rollback returns to. */
export interface RollbackPlan {
  fromVersion: string;
  toVersion: string;
}

export interface ServingChange {
  reason: string;
  triggeringEventId: string;
}

/** A model registry that also decides what is served: MLflow or the built-in one in PostgreSQL. */
export interface ModelRegistry {
  readonly kind: 'postgres' | 'mlflow';
  /**
   * The serving version and the newest stable version registered before it — or, given
   * `toVersion` (the champion a promotion watch returns to), that version if it is registered.
   * Throws a non-retryable NO_STABLE_VERSION_FAILURE when there is nothing to return to.
   */
  planRollback(modelName: string, toVersion?: string): Promise<RollbackPlan>;
  /** Makes `version` the serving version; doing it twice changes nothing. */
  serve(modelName: string, version: string, change: ServingChange): Promise<void>;
  /** The version served now (the champion a candidate is judged against), if any. */
  servingVersion(modelName: string): Promise<string | undefined>;
  /**
   * Serves a newly trained version that passed evaluation, registering it first where the
   * registry only serves versions it knows; doing it twice changes nothing.
   */
  promote(modelName: string, version: string, change: ServingChange): Promise<void>;
}

/** The typed failure of a rollback with nowhere to go. */
export function noStableVersion(modelName: string, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: NO_STABLE_VERSION_FAILURE,
    nonRetryable: true,
    message: `Cannot roll back model '${modelName}': ${why}`,
    details: [{ modelName }],
  });
}
