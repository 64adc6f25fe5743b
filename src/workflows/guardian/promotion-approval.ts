import {
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { PromotionAnswer } from '../../contracts/guardian-messages';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES } from '../../domain/approval/approval-settings';
import { clipText } from '../../domain/clip-text';
import { errorMessage } from '../../domain/error-message';
import type { PromotionApprovalTimeout } from '../../domain/evaluation/evaluation-settings';
import type { Verdict } from '../../domain/evaluation/judge-candidate';
import { CARRY_BUDGET } from './carry-budget';
import { promotionAnswerSignal, promotionApprovalRequestSignal } from './promotion-approval-definitions';
import type { ActionRequest } from './run-action';

/**
 * Workflow patch: with PROMOTION_MODE=approval a retrain child whose candidate passed
 * asks its guardian for a person's approval before it promotes. Runs begun before it never ask.
 */
export const PROMOTION_APPROVAL_PATCH = 'retrain-promotion-approval';

/**
 * How long past the request's timeout the child still waits for its guardian's answer. The
 * guardian applies the timeout itself; this bound only matters when the guardian is gone
 * (terminated), so the child never waits forever.
 */
export const GUARDIAN_ANSWER_GRACE_MS = 60 * 60_000;

const DEFAULT_TIMEOUT: PromotionApprovalTimeout = {
  timeoutMinutes: DEFAULT_APPROVAL_TIMEOUT_MINUTES,
  timeoutOutcome: 'abandon',
};

/**
 * Asks the guardian to hold the promotion of a passed candidate for a person, and waits for its
 * answer. The guardian owns the request, so `pending`, `approve`, `reject`, the timeout and the
 * AwaitingApproval search attribute work as for any approval request; the decision to promote
 * stays here, in the workflow that promotes.
 */
export async function awaitPromotionApproval(
  guardianWorkflowId: string,
  request: ActionRequest,
  verdict: Verdict,
  timeout: PromotionApprovalTimeout = DEFAULT_TIMEOUT,
): Promise<PromotionAnswer> {
  const requestId = uuid4();
  let answer: PromotionAnswer | undefined;
  // Before the request goes out: the answer may come in the guardian's very next task.
  setHandler(promotionAnswerSignal, (given) => {
    if (given.requestId === requestId) answer ??= given;
  });
  const requestedAt = Date.now();
  const expiresAt = requestedAt + timeout.timeoutMinutes * 60_000;
  const over = verdict.championVersion ? ` over ${verdict.championVersion}` : '';
  try {
    await getExternalWorkflowHandle(guardianWorkflowId).signal(promotionApprovalRequestSignal, {
      requestId,
      decisionId: request.id,
      retrainWorkflowId: workflowInfo().workflowId,
      candidateVersion: verdict.candidateVersion,
      ...(verdict.championVersion ? { championVersion: verdict.championVersion } : {}),
      evaluation: verdict.summary,
      severity: request.severity,
      priority: request.priority,
      reason: clipText(
        `PROMOTE version ${verdict.candidateVersion}${over}, evaluation ${verdict.summary}`,
        CARRY_BUDGET.decisionTextChars,
      ),
      requestedAt,
      expiresAt,
      timeoutOutcome: timeout.timeoutOutcome,
    });
  } catch (err) {
    // Nobody can be asked: a promotion that needs a person does not happen without one.
    return {
      requestId,
      promote: false,
      outcome: 'abandoned',
      said: `its guardian could not be asked for approval (${errorMessage(err)})`,
    };
  }
  log.info('promotion waits for approval', {
    modelName: request.modelName,
    candidateVersion: verdict.candidateVersion,
    requestId,
  });
  if (await condition(() => answer !== undefined, expiresAt - requestedAt + GUARDIAN_ANSWER_GRACE_MS))
    return answer!;
  // The guardian never answered (it was terminated): the timeout outcome applies here.
  const proceed = timeout.timeoutOutcome === 'proceed';
  return {
    requestId,
    promote: proceed,
    outcome: proceed ? 'proceeded' : 'abandoned',
    said: `no answer from the guardian within ${timeout.timeoutMinutes} min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=${timeout.timeoutOutcome} (request ${requestId})`,
  };
}
