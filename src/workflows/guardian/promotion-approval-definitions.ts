import { defineSignal } from '@temporalio/workflow';
import type { PromotionAnswer, PromotionApprovalRequest } from '../../contracts/guardian-messages';
import {
  GUARDIAN_PROMOTION_APPROVAL_SIGNAL,
  RETRAIN_PROMOTION_ANSWER_SIGNAL,
} from '../../contracts/workflows';

/** Retrain child → guardian: a passed candidate waits for a person before it is promoted. */
export const promotionApprovalRequestSignal = defineSignal<[PromotionApprovalRequest]>(
  GUARDIAN_PROMOTION_APPROVAL_SIGNAL,
);

/** Guardian → retrain child: promote, or keep the champion. */
export const promotionAnswerSignal = defineSignal<[PromotionAnswer]>(RETRAIN_PROMOTION_ANSWER_SIGNAL);
