import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type {
  ApprovalAnswer,
  ApprovalAnswerResult,
  PendingApprovalView,
} from '../contracts/guardian-messages';
import { AWAITING_APPROVAL } from '../contracts/search-attributes';
import {
  APPROVAL_FAILURE_TYPES,
  GUARDIAN_APPROVE_UPDATE,
  GUARDIAN_PENDING_APPROVALS_QUERY,
  GUARDIAN_REJECT_UPDATE,
  GUARDIAN_WORKFLOW_TYPE,
  guardianWorkflowId,
} from '../contracts/workflows';

/**
 * Answering and listing a guardian's approval requests through Temporal, for the CLI
 * (`approve`, `reject`, `pending`) and the bridge's HTTP endpoints alike. Talks to guardians by
 * update and query names only: the callers never load workflow code.
 */

export type Verdict = 'approve' | 'reject';

/** How an answer went: done, or refused with a reason a person can act on (nothing changed). */
export type AnswerOutcome =
  | { ok: true; result: ApprovalAnswerResult }
  | { ok: false; error: 'unknown_guardian' | 'unknown_request' | 'invalid_answer'; detail: string };

/** Sends `approve` / `reject` to the model's guardian; a refusal by its validator is returned, not thrown. */
export async function answerApproval(
  client: Client,
  modelName: string,
  verdict: Verdict,
  answer: ApprovalAnswer,
): Promise<AnswerOutcome> {
  const handle = client.workflow.getHandle(guardianWorkflowId(modelName));
  try {
    const result = await handle.executeUpdate<ApprovalAnswerResult, [ApprovalAnswer]>(
      verdict === 'approve' ? GUARDIAN_APPROVE_UPDATE : GUARDIAN_REJECT_UPDATE,
      { args: [answer] },
    );
    return { ok: true, result };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || isClosedWorkflow(err)) {
      return { ok: false, error: 'unknown_guardian', detail: `no guardian of ${modelName} is running` };
    }
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      const detail = cause?.message ?? err.message;
      if (cause instanceof ApplicationFailure && cause.type === APPROVAL_FAILURE_TYPES.unknownRequest)
        return { ok: false, error: 'unknown_request', detail };
      return { ok: false, error: 'invalid_answer', detail };
    }
    throw err;
  }
}

/** The requests one guardian waits on (empty when it waits on none or does not run). */
export async function pendingApprovalsOf(client: Client, modelName: string): Promise<PendingApprovalView[]> {
  try {
    return await client.workflow
      .getHandle(guardianWorkflowId(modelName))
      .query<PendingApprovalView[]>(GUARDIAN_PENDING_APPROVALS_QUERY);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/** Guardians listed at most, so one call stays bounded however many wait. */
export const MAX_GUARDIANS_LISTED = 200;

/**
 * Every request waiting on a running guardian: those marked AwaitingApproval in Temporal's
 * visibility, each asked by query (visibility lags a moment behind the workflow).
 */
export async function allPendingApprovals(client: Client): Promise<PendingApprovalView[]> {
  const query =
    `WorkflowType = '${GUARDIAN_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' ` +
    `AND ${AWAITING_APPROVAL.name} = 'true'`;
  const pending: PendingApprovalView[] = [];
  let listed = 0;
  for await (const execution of client.workflow.list({ query })) {
    if (++listed > MAX_GUARDIANS_LISTED) break;
    const views = await client.workflow
      .getHandle(execution.workflowId)
      .query<PendingApprovalView[]>(GUARDIAN_PENDING_APPROVALS_QUERY)
      .catch((err: unknown) => {
        // A guardian that ended between the list and the query waits on nothing any more.
        if (err instanceof WorkflowNotFoundError) return [];
        throw err;
      });
    pending.push(...views);
  }
  return pending.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

function isClosedWorkflow(err: unknown): boolean {
  return err instanceof Error && /workflow execution already completed/i.test(err.message);
}
