import { clipText } from '../clip-text';
import {
  type ApprovalSettings,
  type ApprovalTimeoutOutcome,
  describeApprovalRules,
  needsApproval,
} from './approval-settings';

/**
 * What decides an approval request, without Temporal: whether a decision is held, what a timeout
 * does, how many requests may wait, and whether an answer may be taken. The guardian
 * (src/workflows/guardian/approvals.ts) and `simulate` both run it, so a simulation shows what the
 * guardian would do. Rule 6 of the policy (a held action counts for cooldowns and the frequency
 * limit when decided) needs nothing here: the policy has already recorded the response when the
 * decision reaches this code, exactly as for a retrain deferred to the maintenance window.
 */

/**
 * Requests that may wait at once. Each is carried across continue-as-new; past this a new one is
 * abandoned (recorded, and its reason says why) instead of growing the state without end.
 */
export const MAX_PENDING_APPROVALS = 20;
export const MAX_ANSWER_BY_LENGTH = 200;
export const MAX_ANSWER_REASON_LENGTH = 1_000;

/** What every waiting request has, in the guardian's state and in a simulation. */
export interface WaitingApproval {
  requestId: string;
  /** The decision that waits: its history entry and audit row. */
  decisionId: string;
  action: string;
  /** Epoch ms. */
  requestedAt: number;
  /** Epoch ms: when the timeout outcome applies. */
  expiresAt: number;
  timeoutOutcome: ApprovalTimeoutOutcome;
}

/** What the settings make of a decision that is about to run. */
export type ApprovalHold =
  /** Nothing names it: it runs at once. */
  | { held: false }
  /** Named, but MAX_PENDING_APPROVALS already wait: recorded as abandoned, nothing runs. */
  | { held: true; waits: false; result: string }
  /** It waits for an answer until `expiresAt`; `result` is what its entry records. */
  | {
      held: true;
      waits: true;
      requestId: string;
      expiresAt: number;
      timeoutOutcome: ApprovalTimeoutOutcome;
      result: string;
    };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Whether a decision of `action` at `severity` waits for a person. `requestId` names a new request
 * (the guardian passes the deterministic approvalRequestId, or a random one in runs begun before
 * it); it is asked only when the decision waits.
 */
export function holdForApproval(
  settings: ApprovalSettings | undefined,
  decision: { action: string; severity: string },
  waiting: readonly WaitingApproval[],
  now: number,
  requestId: () => string,
): ApprovalHold {
  if (!settings || !needsApproval(settings, decision.action, decision.severity)) return { held: false };
  const rule = describeApprovalRules(settings.required.filter((r) => r.action === decision.action));
  if (waiting.length >= MAX_PENDING_APPROVALS)
    return {
      held: true,
      waits: false,
      result: `needs approval (GUARDIAN_APPROVAL_REQUIRED=${rule}), but ${MAX_PENDING_APPROVALS} requests already wait for an answer: abandoned, nothing runs`,
    };
  const id = requestId();
  const expiresAt = now + settings.timeoutMinutes * 60_000;
  return {
    held: true,
    waits: true,
    requestId: id,
    expiresAt,
    timeoutOutcome: settings.timeoutOutcome,
    result: `awaiting approval (GUARDIAN_APPROVAL_REQUIRED=${rule}): request ${id}, until ${iso(expiresAt)}, then ${settings.timeoutOutcome}`,
  };
}

/**
 * The id of a new request, from what was decided: `approval:<decision id>` (a decision id is the
 * event id, or `<event>:window-run`), so a person, a chat-ops button and `simulate` can name it
 * before asking the guardian. An event id decided again after the guardian forgot it (over 2,000
 * events later) while its first request still waits gets `#2`, `#3`, … so ids stay unique.
 */
export function approvalRequestId(decisionId: string, waiting: readonly WaitingApproval[]): string {
  const base = `approval:${decisionId}`;
  const taken = new Set(waiting.map((w) => w.requestId));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}#${n}`)) return `${base}#${n}`;
}

/** An answer to a request (the `approve` / `reject` updates' argument, or a line of `simulate --approvals`). */
export interface ApprovalAnswerInput {
  requestId: string;
  by: string;
  reason?: string;
}

/** Why an answer is turned away: its own fault, or no such request waits. */
export interface AnswerProblem {
  kind: 'invalidAnswer' | 'unknownRequest';
  message: string;
}

/** What is wrong with the answer itself (no request looked up); undefined when it is well formed. */
export function answerShapeProblem(answer: unknown): AnswerProblem | undefined {
  const invalid = (message: string): AnswerProblem => ({ kind: 'invalidAnswer', message });
  if (typeof answer !== 'object' || answer === null)
    return invalid('an answer must be an object: {requestId, by, reason}');
  const { requestId, by, reason } = answer as Record<string, unknown>;
  if (typeof requestId !== 'string' || requestId.trim() === '')
    return invalid('requestId is missing: name the approval request to answer');
  if (typeof by !== 'string' || by.trim() === '')
    return invalid("'by' is missing: say who answers, it is recorded in the audit trail");
  if (by.length > MAX_ANSWER_BY_LENGTH)
    return invalid(`'by' is longer than ${MAX_ANSWER_BY_LENGTH} characters`);
  if (reason !== undefined && typeof reason !== 'string') return invalid('reason must be a string');
  if ((reason ?? '').length > MAX_ANSWER_REASON_LENGTH)
    return invalid(`the reason is longer than ${MAX_ANSWER_REASON_LENGTH} characters`);
  return undefined;
}

/** The update validator's check: a well-formed answer to a request that waits on `modelName`. */
export function answerProblem(
  answer: unknown,
  waiting: readonly WaitingApproval[],
  modelName: string,
): AnswerProblem | undefined {
  const shape = answerShapeProblem(answer);
  if (shape) return shape;
  const { requestId } = answer as ApprovalAnswerInput;
  if (waiting.some((w) => w.requestId === requestId)) return undefined;
  const ids = waiting.map((w) => w.requestId);
  return {
    kind: 'unknownRequest',
    message: `no approval request '${clipText(requestId, 80)}' waits on ${modelName} (unknown, or already answered or timed out); waiting: ${ids.length ? ids.join(', ') : 'none'}`,
  };
}

/** How a request ends: its action runs, or it does not (and why, as the entry's reason starts). */
export interface ApprovalResolution {
  outcome: 'runs' | 'rejected' | 'abandoned';
  /** `approved by ana: checked`, `no answer within 15 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=abandon`. */
  said: string;
  /** Who answered (the entry's operator); absent for a timeout. */
  by?: string;
}

/** A person's answer, validated: approved runs the action, rejected records it and runs nothing. */
export function answeredResolution(
  verdict: 'approved' | 'rejected',
  answer: ApprovalAnswerInput,
): ApprovalResolution {
  const by = answer.by.trim();
  const why = answer.reason?.trim() ? `: ${answer.reason.trim()}` : '';
  return { outcome: verdict === 'approved' ? 'runs' : 'rejected', said: `${verdict} by ${by}${why}`, by };
}

/** Nobody answered in time: GUARDIAN_APPROVAL_TIMEOUT_OUTCOME decides. */
export function timeoutResolution(request: WaitingApproval): ApprovalResolution {
  const minutes = Math.round((request.expiresAt - request.requestedAt) / 60_000);
  return {
    outcome: request.timeoutOutcome === 'proceed' ? 'runs' : 'abandoned',
    said: `no answer within ${minutes} min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=${request.timeoutOutcome}`,
  };
}

/** The requests whose timeout has come by `now`, in the order they wait. */
export function dueApprovals<T extends WaitingApproval>(waiting: readonly T[], now: number): T[] {
  return waiting.filter((w) => w.expiresAt <= now);
}

/** Epoch ms of the next timeout, if any request waits. */
export function nextApprovalExpiry(waiting: readonly WaitingApproval[]): number | undefined {
  return waiting.length === 0 ? undefined : Math.min(...waiting.map((w) => w.expiresAt));
}

/** The entry id that records how a request ended (and runs its action, when it runs). */
export function approvalEntryId(decisionId: string): string {
  return `${decisionId}:approval`;
}

/** What the ended request's entry records when nothing runs. */
export function notRunResult(resolution: ApprovalResolution, action: string): string {
  return `${resolution.outcome}: ${action} does not run`;
}
