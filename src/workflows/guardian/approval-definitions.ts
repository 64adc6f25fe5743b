import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  ApprovalAnswer,
  ApprovalAnswerResult,
  PendingApprovalView,
} from '../../contracts/guardian-messages';
import {
  GUARDIAN_APPROVE_UPDATE,
  GUARDIAN_PENDING_APPROVALS_QUERY,
  GUARDIAN_REJECT_UPDATE,
} from '../../contracts/workflows';

/** A person approves a pending request: its action runs, with who and why in its reason. */
export const approveUpdate = defineUpdate<ApprovalAnswerResult, [ApprovalAnswer]>(GUARDIAN_APPROVE_UPDATE);

/** A person rejects a pending request: it is recorded as rejected, nothing runs. */
export const rejectUpdate = defineUpdate<ApprovalAnswerResult, [ApprovalAnswer]>(GUARDIAN_REJECT_UPDATE);

/** The requests this guardian waits on, oldest first. */
export const pendingApprovalsQuery = defineQuery<PendingApprovalView[]>(GUARDIAN_PENDING_APPROVALS_QUERY);
