import type { GuardianConfig } from './guardian';

/**
 * Evaluation settings that cannot work together, one line each: caught when the configuration
 * is loaded, not hours later when a retrain finishes and its candidate cannot be judged.
 */
export function evaluationClashes(guardian: GuardianConfig): string[] {
  if (!guardian.evaluationMetric) return [];
  const problems: string[] = [];
  if (guardian.evaluationTolerance !== undefined && guardian.evaluationMinImprovement !== 0)
    problems.push('EVALUATION_TOLERANCE and EVALUATION_MIN_IMPROVEMENT exclude each other: set one of them');
  const source = guardian.evaluationMetricsSource;
  if (source === 'service' && !guardian.evaluationServiceUrl)
    problems.push('EVALUATION_METRICS_SOURCE=service needs EVALUATION_SERVICE_URL');
  if (source === 'mlflow' && !guardian.mlflowTrackingUri)
    problems.push('EVALUATION_METRICS_SOURCE=mlflow needs MLFLOW_TRACKING_URI');
  if (source === 'training' && !guardian.trainingServiceUrl)
    problems.push(
      'EVALUATION_METRICS_SOURCE=training reads the metrics from the HTTP training service: set TRAINING_SERVICE_URL, or choose builtin, mlflow or service',
    );
  return problems;
}
