import type { Client } from '@temporalio/client';
import {
  allPendingApprovals,
  answerApproval,
  pendingApprovalsOf,
  type Verdict,
} from '../clients/guardian-approvals';

/** An answer of the approval endpoints: status and JSON body. */
export type ApprovalEndpointAnswer = [number, unknown];

const LIST_PATH = /^\/approvals(?:\/([^/]+))?$/;
const ANSWER_PATH = /^\/approvals\/([^/]+)\/([^/]+)\/(approve|reject)$/;

/** True for the paths these endpoints answer (GET /approvals[/MODEL], POST /approvals/MODEL/ID/approve|reject). */
export function isApprovalPath(path: string): boolean {
  return LIST_PATH.test(path) || ANSWER_PATH.test(path);
}

const refused = (status: number, error: string, detail: string): ApprovalEndpointAnswer => [
  status,
  { status: 'rejected', error, detail },
];

const STATUS_OF_ERROR = { unknown_guardian: 404, unknown_request: 404, invalid_answer: 400 } as const;

/**
 * Approval requests over HTTP, for chat-ops buttons (README "Approval before acting"). A POST
 * has passed the bridge's POST guard (token, JSON, no browser) like the silence endpoints. An
 * answer the guardian's validator refuses — unknown or finished request, no `by` — is a 4xx
 * naming the problem, and nothing changed.
 */
export async function answerApprovals(
  client: Client,
  method: string,
  path: string,
  readJson: () => Promise<unknown>,
): Promise<ApprovalEndpointAnswer> {
  const list = LIST_PATH.exec(path);
  if (list && method === 'GET') {
    const pending = list[1]
      ? await pendingApprovalsOf(client, decodeURIComponent(list[1]))
      : await allPendingApprovals(client);
    return [200, { pending }];
  }
  const answer = ANSWER_PATH.exec(path);
  if (answer && method === 'POST') {
    const body = await readJson();
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return refused(400, 'schema_violation', 'send a JSON object: {"by": "NAME", "reason": "TEXT"}');
    const { by, reason } = body as Record<string, unknown>;
    const outcome = await answerApproval(client, decodeURIComponent(answer[1]), answer[3] as Verdict, {
      requestId: decodeURIComponent(answer[2]),
      by: by as string,
      ...(reason !== undefined ? { reason: reason as string } : {}),
    });
    if (!outcome.ok) return refused(STATUS_OF_ERROR[outcome.error], outcome.error, outcome.detail);
    return [200, { status: answer[3] === 'approve' ? 'approved' : 'rejected', entry: outcome.result.entry }];
  }
  return refused(
    405,
    'method_not_allowed',
    'use GET /approvals[/MODEL], POST /approvals/MODEL/REQUEST_ID/approve or /reject',
  );
}
