import type { AlertRequest } from '../../contracts/guardian-activities';
import type { PendingApproval } from '../../contracts/guardian-messages';
import { guardianAlertTitle } from '../../domain/alerting/guardian-alert-titles';
import { alertPriorityFor } from '../../domain/policy';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The alert that asks a person to approve or reject: what would run and why, until when, what
 * happens without an answer, and the two ways to answer (CLI and the bridge's HTTP endpoint,
 * which chat-ops buttons call).
 */
export function approvalRequestAlert(pending: PendingApproval): AlertRequest {
  const { modelName, requestId, action } = pending;
  const path = `/approvals/${pathSegment(modelName)}/${pathSegment(requestId)}`;
  // Request ids come from event ids, which producers choose: quoted so a pasted line still works.
  const id = shellWord(requestId);
  const afterTimeout =
    pending.timeoutOutcome === 'proceed' ? `${action} runs anyway` : `it is abandoned and nothing runs`;
  return {
    alertId: `${pending.decisionId}:approval-request`,
    modelName,
    title: guardianAlertTitle.approvalRequest(modelName, action, pending.severity),
    message: [
      `The guardian wants to ${action} ${modelName} and waits for a person (request ${requestId}).`,
      `Why: ${pending.reason}`,
      `If nobody answers by ${iso(pending.expiresAt)}, ${afterTimeout}.`,
      `Approve: mlops-guardian approve ${shellWord(modelName)} ${id} --by NAME --reason TEXT`,
      `Reject:  mlops-guardian reject ${shellWord(modelName)} ${id} --by NAME --reason TEXT`,
      `Or on the bridge's HTTP listener: POST ${path}/approve (or /reject) with {"by": "NAME", "reason": "TEXT"}`,
    ].join('\n'),
    priority: alertPriorityFor(pending.severity),
    time: iso(pending.requestedAt),
    sourceEvent: pending.sourceEvent,
    immediate: true,
    answerNeeded: true,
  };
}

/** One URL path segment (the bridge decodes it); `:` and `@` may stay as they are in a path. */
function pathSegment(text: string): string {
  return encodeURIComponent(text).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/** A model name or request id as a shell word a person can paste (names come from producers). */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:@/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
