import type { AlertRequest } from '../../contracts/guardian-activities';
import type { PendingApproval } from '../../contracts/guardian-messages';
import { alertPriorityFor } from '../../domain/policy';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The alert that asks a person to approve or reject: what would run and why, until when, what
 * happens without an answer, and the two ways to answer (CLI and the bridge's HTTP endpoint,
 * which chat-ops buttons call).
 */
export function approvalRequestAlert(pending: PendingApproval): AlertRequest {
  const { modelName, requestId, action } = pending;
  const path = `/approvals/${encodeURIComponent(modelName)}/${requestId}`;
  const afterTimeout =
    pending.timeoutOutcome === 'proceed' ? `${action} runs anyway` : `it is abandoned and nothing runs`;
  return {
    alertId: `${pending.decisionId}:approval-request`,
    modelName,
    title: `Approval needed: ${action} on ${modelName} (${pending.severity})`,
    message: [
      `The guardian wants to ${action} ${modelName} and waits for a person (request ${requestId}).`,
      `Why: ${pending.reason}`,
      `If nobody answers by ${iso(pending.expiresAt)}, ${afterTimeout}.`,
      `Approve: mlops-guardian approve ${shellWord(modelName)} ${requestId} --by NAME --reason TEXT`,
      `Reject:  mlops-guardian reject ${shellWord(modelName)} ${requestId} --by NAME --reason TEXT`,
      `Or on the bridge's HTTP listener: POST ${path}/approve (or /reject) with {"by": "NAME", "reason": "TEXT"}`,
    ].join('\n'),
    priority: alertPriorityFor(pending.severity),
    time: iso(pending.requestedAt),
    sourceEvent: pending.sourceEvent,
    immediate: true,
  };
}

/** A model name as a shell word a person can paste (names come from producers). */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:@/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
