import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { AlertRequest } from '../../contracts/guardian-activities';
import type {
  DecisionEntry,
  GuardianCarriedState,
  PendingApproval,
  PromotionAnswer,
  PromotionApprovalRequest,
} from '../../contracts/guardian-messages';
import { errorMessage } from '../../domain/error-message';
import { alertPriorityFor } from '../../domain/policy';
import { approvalRequestAlert } from './approval-request-alert';
import type { PendingApprovals } from './approvals';
import type { DecisionRunner } from './decision-runner';
import { promotionAnswerSignal } from './promotion-approval-definitions';

/** What the approval entry of a promotion and the `pending` list call the action. */
export const PROMOTE = 'PROMOTE';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The guardian's side of a promotion waiting for approval (PROMOTION_MODE=approval):
 * a retrain child's request becomes one of the guardian's approval requests, so it is listed,
 * answered, timed out and marked AwaitingApproval like any other; the answer goes back to the
 * child, which promotes or keeps the champion.
 */
export class PromotionApprovals {
  constructor(
    private readonly modelName: string,
    private readonly state: GuardianCarriedState,
    private readonly runner: DecisionRunner,
    private readonly approvals: PendingApprovals | undefined,
  ) {}

  /** A retrain child asks: hold its promotion for a person, or refuse at once when this run cannot. */
  requested(request: PromotionApprovalRequest): void {
    const refuse = (said: string) =>
      answerChild(this.runner, request.retrainWorkflowId, {
        requestId: request.requestId,
        promote: false,
        outcome: 'abandoned',
        said,
      });
    if (!this.approvals) {
      refuse('its guardian run began before approvals existed, so nobody can approve it');
      return;
    }
    const running = this.state.runningRetrains[request.decisionId];
    const pending: PendingApproval = {
      requestId: request.requestId,
      decisionId: request.decisionId,
      modelName: this.modelName,
      eventType: running?.entry.eventType ?? 'retrain',
      action: 'RETRAIN',
      severity: request.severity,
      priority: request.priority,
      reason: request.reason,
      requestedAt: request.requestedAt,
      expiresAt: request.expiresAt,
      timeoutOutcome: request.timeoutOutcome,
      promotion: {
        retrainWorkflowId: request.retrainWorkflowId,
        candidateVersion: request.candidateVersion,
        ...(request.championVersion ? { championVersion: request.championVersion } : {}),
        evaluation: request.evaluation,
      },
    };
    const refused = this.approvals.holdRequest(pending, promotionRequestAlert(pending));
    if (refused) refuse(refused);
  }
}

/**
 * Records the answer to a promotion request (`entry`, the `<decision>:approval` row with who and
 * why) and sends it to the retrain child. Approved or proceeding: the child promotes and reports
 * the promotion like any retrain, and the watch starts. Otherwise the champion stays.
 */
export function answerPromotion(
  runner: DecisionRunner,
  state: GuardianCarriedState,
  pending: PendingApproval,
  entry: DecisionEntry,
  outcome: 'runs' | 'rejected' | 'abandoned',
  said: string,
): void {
  const promotion = pending.promotion!;
  entry.action = PROMOTE;
  const keeps = promotion.championVersion
    ? `version ${promotion.championVersion} keeps serving`
    : 'the serving version stays';
  const proceeds = outcome === 'runs' && !state.paused;
  const answer: PromotionAnswer = {
    requestId: pending.requestId,
    promote: proceeds,
    outcome:
      outcome === 'rejected'
        ? 'rejected'
        : outcome === 'abandoned'
          ? 'abandoned'
          : entry.operator
            ? 'approved'
            : 'proceeded',
    said: `${said} (request ${pending.requestId})`,
  };
  if (outcome === 'runs' && state.paused) {
    answer.outcome = 'abandoned';
    answer.said = `${answer.said}, but auto-response is paused (${state.paused.reason})`;
    runner.finish(entry, { status: 'paused', result: `not promoted: auto-response paused; ${keeps}` });
  } else if (proceeds) {
    runner.finish(entry, {
      status: 'noted',
      result: `version ${promotion.candidateVersion} is promoted by the retrain (see ${pending.decisionId})`,
    });
  } else if (outcome !== 'runs') {
    runner.finish(entry, {
      status: outcome,
      result: `${outcome}: version ${promotion.candidateVersion} is not promoted, ${keeps}`,
    });
  }
  answerChild(runner, promotion.retrainWorkflowId, answer);
}

/** Sends the answer to the waiting child; one that is gone has nothing left to promote. */
function answerChild(runner: DecisionRunner, retrainWorkflowId: string, answer: PromotionAnswer): void {
  runner.inBackground(`promotion-answer:${answer.requestId}`, 'promotion answer', async () => {
    try {
      await getExternalWorkflowHandle(retrainWorkflowId).signal(promotionAnswerSignal, answer);
    } catch (err) {
      log.warn('could not answer a retrain waiting for promotion approval', {
        retrainWorkflowId,
        requestId: answer.requestId,
        error: errorMessage(err),
      });
    }
  });
}

/** The approval request alert of a promotion: the versions and the numbers, and how to answer. */
function promotionRequestAlert(pending: PendingApproval): AlertRequest {
  const generic = approvalRequestAlert(pending);
  const promotion = pending.promotion!;
  const over = promotion.championVersion ? ` over version ${promotion.championVersion}` : '';
  const afterTimeout =
    pending.timeoutOutcome === 'proceed'
      ? `version ${promotion.candidateVersion} is promoted anyway`
      : 'the promotion is abandoned and the serving version stays';
  // The generic alert's last lines say how to answer (CLI and HTTP): kept as they are.
  const howToAnswer = generic.message.split('\n').slice(-3);
  return {
    ...generic,
    title: `Approval needed: promote ${pending.modelName} version ${promotion.candidateVersion}${over}`,
    message: [
      `A retrained candidate passed evaluation and waits for a person before it is promoted (request ${pending.requestId}).`,
      `Evaluation: ${promotion.evaluation}`,
      `If nobody answers by ${iso(pending.expiresAt)}, ${afterTimeout}.`,
      ...howToAnswer,
    ].join('\n'),
    priority: alertPriorityFor(pending.severity),
  };
}
