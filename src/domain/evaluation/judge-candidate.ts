import type { EvaluationSettings } from './evaluation-settings';

/** The metric of both versions, as a metrics source measured them. */
export interface MeasuredMetrics {
  metric: string;
  candidateVersion: string;
  candidate: number;
  /** Absent when the model serves no version yet: there is nothing to beat. */
  championVersion?: string;
  champion?: number;
}

/** The verdict on a candidate, with the numbers that led to it (for the history, the event and alerts). */
export interface Verdict extends MeasuredMetrics {
  pass: boolean;
  /** How much better the candidate is, in the metric's direction (negative: worse); absent without a champion. */
  improvement?: number;
  /** The rule applied, e.g. `improvement ≥ 0` or `not worse by more than 0.01`. */
  rule: string;
  /** One line an operator reads: the numbers and the verdict. */
  summary: string;
}

const ROUNDING_NOISE = 1e-9;

// Metrics are fractions more often than not: round what people read, not what is compared.
function shown(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Judges a candidate against the champion on the configured metric and direction. With a
 * tolerance the candidate may be worse by at most that much; otherwise it must improve by at
 * least the minimum improvement (0 by default, so an equal candidate passes).
 */
export function judgeCandidate(settings: EvaluationSettings, measured: MeasuredMetrics): Verdict {
  const rule =
    settings.tolerance !== undefined
      ? `not worse than the champion by more than ${shown(settings.tolerance)}`
      : `improvement ≥ ${shown(settings.minImprovement)}`;
  const candidateText = `${measured.metric} ${shown(measured.candidate)} (version ${measured.candidateVersion})`;
  if (measured.champion === undefined || measured.championVersion === undefined) {
    return {
      ...measured,
      pass: true,
      rule,
      summary: `${candidateText}; no champion is serving, so there is nothing to beat`,
    };
  }
  const improvement =
    settings.direction === 'higher'
      ? measured.candidate - measured.champion
      : measured.champion - measured.candidate;
  const threshold = settings.tolerance !== undefined ? -settings.tolerance : settings.minImprovement;
  // 0.88 - 0.89 is -0.010000000000000009 in floating point: a candidate exactly at the threshold
  // must pass, so differences below rounding noise do not count.
  const pass = improvement - threshold >= -ROUNDING_NOISE;
  const better = settings.direction === 'higher' ? 'higher' : 'lower';
  return {
    ...measured,
    pass,
    improvement,
    rule,
    summary:
      `${candidateText} vs champion ${shown(measured.champion)} (version ${measured.championVersion}), ` +
      `${better} is better: improvement ${shown(improvement)}, needs ${rule}: ${pass ? 'passed' : 'failed'}`,
  };
}
