import { ApplicationFailure } from '@temporalio/common';
import { EVALUATION_METRIC_MISSING_FAILURE } from '../../contracts/guardian-activities';

/** One measurement: a metric of a candidate and of the champion it would replace. */
export interface MetricsQuery {
  modelName: string;
  metric: string;
  candidateVersion: string;
  /** Absent when the model serves no version yet. */
  championVersion?: string;
  /** The training job that produced the candidate. */
  trainingJobId: string;
  triggeringEventId: string;
}

export interface MeasuredPair {
  candidate: number;
  /** Present whenever the query named a champion. */
  champion?: number;
}

/**
 * Where the numbers that judge a candidate come from: the built-in table, the training result,
 * MLflow runs, or an evaluation service.
 */
export interface MetricsSource {
  readonly kind: 'builtin' | 'training' | 'mlflow' | 'service';
  /** Throws a non-retryable EVALUATION_METRIC_MISSING_FAILURE when a version has no value of the metric. */
  measure(query: MetricsQuery): Promise<MeasuredPair>;
}

/** The typed failure of a metric that is not there: asking again gives the same answer. */
export function metricMissing(query: MetricsQuery, where: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: EVALUATION_METRIC_MISSING_FAILURE,
    nonRetryable: true,
    message: `Cannot evaluate model '${query.modelName}' version ${query.candidateVersion}: ${where} has no metric '${query.metric}'`,
    details: [{ modelName: query.modelName, metric: query.metric }],
  });
}

/** A metric value as sources send it: a finite number (MLflow writes NaN for failed evaluations). */
export function metricValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
