import {
  APPROVAL_TIMEOUT_OUTCOMES,
  type ApprovalTimeoutOutcome,
  MAX_APPROVAL_TIMEOUT_MINUTES,
} from '../approval/approval-settings';

/** Which way a metric is better: `higher` for AUC or accuracy, `lower` for loss or error rate. */
export type MetricDirection = 'higher' | 'lower';

/**
 * What happens when a candidate passes: `auto` promotes it at once; `approval` waits for a person
 * to approve or reject the promotion (README "Promotion after approval").
 */
export type PromotionMode = 'auto' | 'approval';

export const PROMOTION_MODES: readonly PromotionMode[] = ['auto', 'approval'];

/** How long a promotion waits for a person, and what happens then (the guardian's approval timeout settings). */
export interface PromotionApprovalTimeout {
  timeoutMinutes: number;
  timeoutOutcome: ApprovalTimeoutOutcome;
}

/**
 * How a retrained candidate is judged against the serving (champion) version. Absent in the
 * guardian's settings: no evaluation, the retrain ends when training does (the behaviour before
 * evaluation existed, and the default).
 */
export interface EvaluationSettings {
  /** The metric both versions are compared on, e.g. `auc`. */
  metric: string;
  direction: MetricDirection;
  /** The candidate must beat the champion by at least this much (in the metric's own units). */
  minImprovement: number;
  /**
   * When set, replaces `minImprovement`: the candidate passes unless it is worse than the
   * champion by more than this much ("not worse than champion by more than X").
   */
  tolerance?: number;
  promotion: PromotionMode;
  /** For `approval`: GUARDIAN_APPROVAL_TIMEOUT_MINUTES and _OUTCOME (absent: 15 min, then abandon). */
  approval?: PromotionApprovalTimeout;
}

/** Every problem with evaluation settings, one readable line each (empty when valid). */
export function evaluationProblems(settings: EvaluationSettings): string[] {
  const problems: string[] = [];
  if (typeof settings !== 'object' || settings === null) return ['evaluation must be an object'];
  if (typeof settings.metric !== 'string' || settings.metric.trim() === '')
    problems.push('evaluation.metric must name a metric, e.g. auc');
  if (settings.direction !== 'higher' && settings.direction !== 'lower')
    problems.push(`evaluation.direction must be higher or lower, got ${String(settings.direction)}`);
  if (!Number.isFinite(settings.minImprovement)) problems.push('evaluation.minImprovement must be a number');
  if (settings.tolerance !== undefined) {
    if (!Number.isFinite(settings.tolerance) || settings.tolerance < 0)
      problems.push('evaluation.tolerance must be a number of at least 0');
    else if (settings.minImprovement !== 0)
      problems.push('evaluation.tolerance and evaluation.minImprovement exclude each other: set one');
  }
  if (!PROMOTION_MODES.includes(settings.promotion))
    problems.push(
      `evaluation.promotion must be ${PROMOTION_MODES.join(' or ')}, got ${String(settings.promotion)}`,
    );
  if (settings.approval !== undefined) {
    const { timeoutMinutes, timeoutOutcome } = settings.approval;
    if (
      !Number.isInteger(timeoutMinutes) ||
      timeoutMinutes < 1 ||
      timeoutMinutes > MAX_APPROVAL_TIMEOUT_MINUTES
    )
      problems.push(
        `evaluation.approval.timeoutMinutes must be a whole number from 1 to ${MAX_APPROVAL_TIMEOUT_MINUTES}, got ${String(timeoutMinutes)}`,
      );
    if (!APPROVAL_TIMEOUT_OUTCOMES.includes(timeoutOutcome))
      problems.push(
        `evaluation.approval.timeoutOutcome must be ${APPROVAL_TIMEOUT_OUTCOMES.join(' or ')}, got ${String(timeoutOutcome)}`,
      );
  }
  return problems;
}
