import type { EvaluationSettings } from '../../../src/domain/evaluation/evaluation-settings';
import {
  readTrainingResult,
  retrainOutcome,
  type TrainingResult,
} from '../../../src/domain/evaluation/training-result';

const AUC: EvaluationSettings = { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' };
const LINE = {
  event_type: 'model_training_completed',
  timestamp: '2026-03-02T10:05:00Z',
  model_name: 'fraud',
  job_id: 'j-7',
  new_version: '12',
  metrics: { auc: 0.91 },
  champion_version: '11',
  champion_metrics: { auc: 0.89 },
};

function result(overrides: Record<string, unknown> = {}): TrainingResult {
  const read = readTrainingResult({ ...LINE, ...overrides }, 'UTC');
  if (!read.ok) throw new Error(read.error);
  return read.result;
}

describe('readTrainingResult', () => {
  it('reads the guardian’s model_training_completed event with the training service’s metrics', () => {
    expect(result()).toEqual({
      modelName: 'fraud',
      at: Date.parse('2026-03-02T10:05:00Z'),
      timestamp: '2026-03-02T10:05:00Z',
      status: 'succeeded',
      detail: undefined,
      jobId: 'j-7',
      newVersion: '12',
      metrics: { auc: 0.91 },
      championVersion: '11',
      championMetrics: { auc: 0.89 },
      triggeringEventId: undefined,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no model', { model_name: undefined }, /model_name is required/],
    ['a bad timestamp', { timestamp: 'yesterday' }, /is not an ISO-8601 date-time/],
    ['an unknown status', { status: 'running' }, /status must be succeeded or failed/],
    ['metrics that are not an object', { metrics: [0.9] }, /metrics must be an object/],
    [
      'champion metrics without the champion version',
      { champion_version: undefined },
      /without champion_version/,
    ],
  ])('refuses %s with a clear error', (_what, overrides, error) => {
    const read = readTrainingResult({ ...LINE, ...overrides }, 'UTC');
    expect(read.ok).toBe(false);
    expect(!read.ok && read.error).toMatch(error);
  });
});

describe('retrainOutcome (judged by judgeCandidate, worded as the retrain’s history)', () => {
  it.each<[string, EvaluationSettings | undefined, Record<string, unknown>, string, RegExp]>([
    ['no evaluation settings: training ends the retrain', undefined, {}, 'trained', /no evaluation/],
    [
      'a better candidate is promoted',
      AUC,
      {},
      'promoted',
      /improvement 0\.02, needs improvement ≥ 0: passed; promoted from version 11 to version 12$/,
    ],
    [
      'a worse candidate is rejected, with the numbers',
      AUC,
      { metrics: { auc: 0.862 } },
      'rejected',
      /auc 0\.862 \(version 12\) vs champion 0\.88?9? .*failed; candidate rejected, version 11 keeps serving; rejection alert sent$/,
    ],
    [
      'a slightly worse candidate within the tolerance passes',
      { ...AUC, tolerance: 0.01 },
      { metrics: { auc: 0.885 } },
      'promoted',
      /not worse than the champion by more than 0\.01: passed/,
    ],
    [
      'lower is better: a lower loss is promoted',
      { ...AUC, metric: 'loss', direction: 'lower' },
      { metrics: { loss: 0.2 }, champion_metrics: { loss: 0.3 } },
      'promoted',
      /lower is better: improvement 0\.1/,
    ],
    [
      'PROMOTION_MODE=approval: a better candidate waits for a person',
      { ...AUC, promotion: 'approval' },
      {},
      'awaiting-approval',
      /passed; waits for a person before it is promoted from version 11 to version 12 \(PROMOTION_MODE=approval; approval request alert sent\)$/,
    ],
    [
      'no champion serving: nothing to beat',
      AUC,
      { champion_version: undefined, champion_metrics: undefined },
      'promoted',
      /no champion is serving, so there is nothing to beat; promoted to version 12$/,
    ],
    [
      'a failed job',
      AUC,
      { status: 'failed', detail: 'OOM' },
      'failed',
      /^training job j-7 failed: OOM; failure alert sent$/,
    ],
    [
      'no new version',
      AUC,
      { new_version: undefined },
      'failed',
      /reported no new version: nothing to evaluate/,
    ],
    [
      'the metric missing from the candidate’s result',
      AUC,
      { metrics: { accuracy: 0.9 } },
      'failed',
      /evaluation failed, the serving version stays: .*the result of training job j-7 has no metric 'auc'/,
    ],
    [
      'the metric missing from the champion’s result',
      AUC,
      { champion_metrics: { accuracy: 0.9 } },
      'failed',
      /the champion_metrics of training job j-7 \(champion version 11\) has no metric 'auc'/,
    ],
  ])('%s', (_what, settings, overrides, outcome, summary) => {
    const ended = retrainOutcome(settings, result(overrides));
    expect(ended.outcome).toBe(outcome);
    expect(ended.summary).toMatch(summary);
  });
});
