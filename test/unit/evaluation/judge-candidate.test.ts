import {
  evaluationProblems,
  type EvaluationSettings,
} from '../../../src/domain/evaluation/evaluation-settings';
import { judgeCandidate } from '../../../src/domain/evaluation/judge-candidate';
import { guardianSettingsFromConfig, resolveGuardianSettings } from '../../../src/domain/policy/settings';
import { loadConfig } from '../../../src/config';

const AUC: EvaluationSettings = { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' };
const measured = (candidate: number, champion?: number) => ({
  metric: 'm',
  candidateVersion: '4',
  candidate,
  ...(champion === undefined ? {} : { champion, championVersion: '3' }),
});

describe('judgeCandidate', () => {
  it.each<[string, Partial<EvaluationSettings>, number, number, boolean]>([
    ['higher is better, better candidate', {}, 0.91, 0.89, true],
    ['higher is better, equal candidate passes a minimum improvement of 0', {}, 0.9, 0.9, true],
    ['higher is better, worse candidate', {}, 0.88, 0.89, false],
    ['lower is better, lower loss', { direction: 'lower' }, 0.2, 0.3, true],
    ['lower is better, higher loss', { direction: 'lower' }, 0.31, 0.3, false],
    ['minimum improvement not reached', { minImprovement: 0.01 }, 0.905, 0.9, false],
    ['minimum improvement reached exactly', { minImprovement: 0.01 }, 0.91, 0.9, true],
    ['within the tolerance, exactly at its edge', { tolerance: 0.01 }, 0.88, 0.89, true],
    ['worse than the tolerance allows', { tolerance: 0.01 }, 0.879, 0.89, false],
    ['lower is better with a tolerance', { direction: 'lower', tolerance: 0.05 }, 0.34, 0.3, true],
  ])('%s', (_what, settings, candidate, champion, pass) => {
    const verdict = judgeCandidate({ ...AUC, ...settings }, measured(candidate, champion));
    expect(verdict.pass).toBe(pass);
    expect(verdict.summary).toMatch(pass ? /: passed$/ : /: failed$/);
  });

  it('says what it compared, with readable numbers', () => {
    expect(judgeCandidate(AUC, { ...measured(0.91, 0.89), metric: 'auc' })).toMatchObject({
      pass: true,
      rule: 'improvement ≥ 0',
      summary:
        'auc 0.91 (version 4) vs champion 0.89 (version 3), higher is better: improvement 0.02, needs improvement ≥ 0: passed',
    });
  });

  it('passes a candidate when no champion serves: there is nothing to beat', () => {
    expect(judgeCandidate(AUC, measured(0.5))).toMatchObject({
      pass: true,
      summary: 'm 0.5 (version 4); no champion is serving, so there is nothing to beat',
    });
  });
});

describe('evaluation settings', () => {
  it('accept a complete, consistent setting', () => {
    expect(evaluationProblems(AUC)).toEqual([]);
    expect(evaluationProblems({ ...AUC, tolerance: 0.02 })).toEqual([]);
  });

  it('name every problem', () => {
    expect(
      evaluationProblems({
        metric: ' ',
        direction: 'up' as never,
        minImprovement: 0.1,
        tolerance: 0.1,
        promotion: 'manual' as never,
        approval: { timeoutMinutes: 0, timeoutOutcome: 'wait' as never },
      }),
    ).toEqual([
      'evaluation.metric must name a metric, e.g. auc',
      'evaluation.direction must be higher or lower, got up',
      'evaluation.tolerance and evaluation.minImprovement exclude each other: set one',
      'evaluation.promotion must be auto or approval, got manual',
      'evaluation.approval.timeoutMinutes must be a whole number from 1 to 10080, got 0',
      'evaluation.approval.timeoutOutcome must be abandon or proceed, got wait',
    ]);
    expect(() => resolveGuardianSettings({ evaluation: { ...AUC, tolerance: -1 } })).toThrow(
      'evaluation.tolerance must be a number of at least 0',
    );
  });

  it('are off unless EVALUATION_METRIC is set', () => {
    expect(guardianSettingsFromConfig(loadConfig({})).evaluation).toBeUndefined();
    expect(
      guardianSettingsFromConfig(
        loadConfig({
          EVALUATION_METRIC: 'log_loss',
          EVALUATION_DIRECTION: 'lower',
          EVALUATION_TOLERANCE: '0.02',
          TRAINING_SERVICE_URL: 'http://127.0.0.1:9/',
        }),
      ).evaluation,
    ).toEqual({
      metric: 'log_loss',
      direction: 'lower',
      minImprovement: 0,
      tolerance: 0.02,
      promotion: 'auto',
    });
    // Promotion after approval waits as long as GUARDIAN_APPROVAL_TIMEOUT_* say, even with nothing
    // in GUARDIAN_APPROVAL_REQUIRED.
    expect(
      guardianSettingsFromConfig(
        loadConfig({
          EVALUATION_METRIC: 'auc',
          PROMOTION_MODE: 'approval',
          GUARDIAN_APPROVAL_TIMEOUT_MINUTES: '45',
          GUARDIAN_APPROVAL_TIMEOUT_OUTCOME: 'proceed',
        }),
      ).evaluation,
    ).toMatchObject({ promotion: 'approval', approval: { timeoutMinutes: 45, timeoutOutcome: 'proceed' } });
  });
});
