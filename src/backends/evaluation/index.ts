import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { GuardianConfig } from '../../config/guardian';
import { BACKEND_NOT_CONFIGURED_FAILURE } from '../../contracts/backend-failures';
import { mlflowTarget } from '../registry/mlflow-registry';
import { createHttpEvaluationService } from './http-evaluation-service';
import { createMlflowRunMetrics } from './mlflow-run-metrics';
import type { MetricsSource } from './metrics-source';
import { createPostgresVersionMetrics } from './postgres-version-metrics';
import { createTrainingResultMetrics } from './training-result-metrics';

export type { MetricsQuery, MetricsSource } from './metrics-source';

/**
 * The metrics source EVALUATION_METRICS_SOURCE names. The configuration loader refuses a
 * source without its URL; should one be missing anyway (a guardian whose settings ask for
 * evaluation, on a worker configured without it), measuring fails non-retryably naming it.
 */
export function createMetricsSource(config: GuardianConfig, pool: Pool): () => MetricsSource {
  const timeoutMs = config.backendRequestTimeoutSeconds * 1000;
  let source: MetricsSource | undefined;
  let missing = '';
  switch (config.evaluationMetricsSource) {
    case 'builtin':
      source = createPostgresVersionMetrics(pool);
      break;
    case 'training':
      if (config.trainingServiceUrl)
        source = createTrainingResultMetrics({
          label: 'training service',
          baseUrl: config.trainingServiceUrl,
          timeoutMs,
        });
      else missing = 'TRAINING_SERVICE_URL (the metrics source is the training service result)';
      break;
    case 'mlflow':
      if (config.mlflowTrackingUri)
        source = createMlflowRunMetrics(
          mlflowTarget({
            trackingUri: config.mlflowTrackingUri,
            token: config.mlflowTrackingToken,
            timeoutMs,
          }),
        );
      else missing = 'MLFLOW_TRACKING_URI (the metrics source is MLflow)';
      break;
    case 'service':
      if (config.evaluationServiceUrl)
        source = createHttpEvaluationService({
          label: 'evaluation service',
          baseUrl: config.evaluationServiceUrl,
          timeoutMs,
        });
      else missing = 'EVALUATION_SERVICE_URL (the metrics source is the evaluation service)';
      break;
  }
  return () => {
    if (source) return source;
    throw ApplicationFailure.nonRetryable(
      `No metrics source for evaluating a retrained model: set ${missing} on the worker.`,
      BACKEND_NOT_CONFIGURED_FAILURE,
    );
  };
}
