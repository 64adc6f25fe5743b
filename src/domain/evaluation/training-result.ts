import { readTimestamp } from '../ingest/timestamps';
import type { EvaluationSettings } from './evaluation-settings';
import { judgeCandidate, type Verdict } from './judge-candidate';

/** The event type of a finished training job, as the guardian publishes it on model.training.completed. */
export const TRAINING_COMPLETED = 'model_training_completed';

/**
 * A finished training job as `simulate` reads it: the guardian's own `model_training_completed`
 * event plus the numbers of the training service's job result (`metrics`, `champion_metrics`),
 * and the serving version the registry would name (`champion_version`).
 */
export interface TrainingResult {
  modelName: string;
  /** Epoch milliseconds: when training ended, so when the evaluation and its alert happen. */
  at: number;
  timestamp: string;
  status: 'succeeded' | 'failed';
  detail?: string;
  jobId?: string;
  newVersion?: string;
  metrics: Record<string, unknown>;
  championVersion?: string;
  championMetrics: Record<string, unknown>;
  /** Which RETRAIN it ends; absent: the model's oldest one still training. */
  triggeringEventId?: string;
}

export type TrainingResultReading = { ok: true; result: TrainingResult } | { ok: false; error: string };

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function metricMap(raw: Record<string, unknown>, name: string): Record<string, unknown> | string {
  const value = raw[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    return `${name} must be an object of metric → number, e.g. {"auc": 0.91}`;
  return value as Record<string, unknown>;
}

/** Reads a `model_training_completed` line; a clear error for anything a person must fix. */
export function readTrainingResult(
  raw: Record<string, unknown>,
  producerTimeZone: string,
): TrainingResultReading {
  const modelName = text(raw.model_name);
  if (!modelName) return { ok: false, error: `${TRAINING_COMPLETED}: model_name is required` };
  const time = readTimestamp(raw.timestamp, producerTimeZone);
  if (!time.ok) return { ok: false, error: `${TRAINING_COMPLETED}: ${time.reason}` };
  const status = raw.status ?? 'succeeded';
  if (status !== 'succeeded' && status !== 'failed')
    return {
      ok: false,
      error: `${TRAINING_COMPLETED}: status must be succeeded or failed, got ${JSON.stringify(status)}`,
    };
  const metrics = metricMap(raw, 'metrics');
  if (typeof metrics === 'string') return { ok: false, error: `${TRAINING_COMPLETED}: ${metrics}` };
  const championMetrics = metricMap(raw, 'champion_metrics');
  if (typeof championMetrics === 'string')
    return { ok: false, error: `${TRAINING_COMPLETED}: ${championMetrics}` };
  const championVersion = text(raw.champion_version);
  if (!championVersion && Object.keys(championMetrics).length > 0)
    return {
      ok: false,
      error: `${TRAINING_COMPLETED}: champion_metrics without champion_version: name the serving version they belong to`,
    };
  return {
    ok: true,
    result: {
      modelName,
      at: Date.parse(time.iso),
      timestamp: time.iso,
      status,
      detail: text(raw.detail),
      jobId: text(raw.job_id),
      newVersion: text(raw.new_version),
      metrics,
      championVersion,
      championMetrics,
      triggeringEventId: text(raw.triggering_event_id),
    },
  };
}

/** How a RETRAIN ends, worded as the guardian's history words it (src/workflows/guardian/evaluate-and-promote.ts). */
export type RetrainOutcome =
  | { outcome: 'trained'; summary: string }
  | { outcome: 'promoted'; verdict: Verdict; summary: string }
  /** PROMOTION_MODE=approval: passed, and waits for a person before it is promoted. */
  | { outcome: 'awaiting-approval'; verdict: Verdict; summary: string }
  | { outcome: 'rejected'; verdict: Verdict; summary: string }
  | { outcome: 'failed'; summary: string };

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * What the retrain child does with a finished job: without evaluation settings it ends there;
 * with them it judges the candidate against the champion with judgeCandidate (the workflow's own
 * code) and promotes or keeps the champion. A failed job, a job with no new version, or a metric
 * missing from the result fails the retrain: the champion stays and a failure alert goes out.
 */
export function retrainOutcome(
  settings: EvaluationSettings | undefined,
  result: TrainingResult,
): RetrainOutcome {
  const job = result.jobId ? `training job ${result.jobId}` : 'training job';
  if (result.status === 'failed')
    return {
      outcome: 'failed',
      summary: `${job} failed${result.detail ? `: ${result.detail}` : ''}; failure alert sent`,
    };
  const training = `${job} succeeded${result.newVersion ? `, new version ${result.newVersion}` : ''}`;
  if (!settings)
    return { outcome: 'trained', summary: `${training}; no evaluation (EVALUATION_METRIC is not set)` };
  const candidateVersion = result.newVersion;
  if (!candidateVersion)
    return {
      outcome: 'failed',
      summary: `${training}, but the job reported no new version: nothing to evaluate, the serving version stays; failure alert sent`,
    };
  const where = `the result of ${job}`;
  const candidate = finite(result.metrics[settings.metric]);
  const champion = finite(result.championMetrics[settings.metric]);
  const missing = (what: string) => ({
    outcome: 'failed' as const,
    summary:
      `${training}; evaluation failed, the serving version stays: Cannot evaluate model '${result.modelName}' ` +
      `version ${candidateVersion}: ${what} has no metric '${settings.metric}'; failure alert sent`,
  });
  if (candidate === undefined) return missing(where);
  if (result.championVersion !== undefined && champion === undefined)
    return missing(`the champion_metrics of ${job} (champion version ${result.championVersion})`);
  const verdict = judgeCandidate(settings, {
    metric: settings.metric,
    candidateVersion,
    candidate,
    ...(result.championVersion !== undefined ? { championVersion: result.championVersion, champion } : {}),
  });
  if (verdict.pass) {
    const from = result.championVersion ? `from version ${result.championVersion} ` : '';
    if (settings.promotion === 'approval')
      return {
        outcome: 'awaiting-approval',
        verdict,
        summary: `${training}; ${verdict.summary}; waits for a person before it is promoted ${from}to version ${candidateVersion} (PROMOTION_MODE=approval; approval request alert sent)`,
      };
    return {
      outcome: 'promoted',
      verdict,
      summary: `${training}; ${verdict.summary}; promoted ${from}to version ${candidateVersion}`,
    };
  }
  return {
    outcome: 'rejected',
    verdict,
    summary: `${training}; ${verdict.summary}; candidate rejected, version ${verdict.championVersion} keeps serving; rejection alert sent`,
  };
}
