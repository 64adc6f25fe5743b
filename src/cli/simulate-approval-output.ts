/**
 * How `simulate` prints approval requests (README "Approval before acting"): a held decision's
 * verdict, each request's end (answered or timed out), and the summary line.
 */
import type { ApprovalHold } from '../domain/approval/approval-requests';
import type { ApprovalSettings } from '../domain/approval/approval-settings';
import { describeApprovalRules } from '../domain/approval/approval-settings';
import type { LoopApproval } from '../domain/simulation/loop-simulation';

type Held = Extract<ApprovalHold, { held: true }>;
type Ended = Extract<LoopApproval, { kind: 'end' }>;

const iso = (ms: number) => new Date(ms).toISOString();

/** `, approval ROLLBACK:HIGH (15 min, then abandon)`; nothing when nothing waits. */
export function describeApproval(settings: ApprovalSettings | undefined): string {
  if (!settings || settings.required.length === 0) return '';
  return `, approval ${describeApprovalRules(settings.required)} (${settings.timeoutMinutes} min, then ${settings.timeoutOutcome})`;
}

/** The headline's verdict for a decision the settings hold. */
export function heldVerdict(action: string, held: Held): string {
  return held.waits
    ? `${action} awaiting approval (request ${held.requestId} until ${iso(held.expiresAt)}, then ${held.timeoutOutcome})`
    : `${action} abandoned: too many requests wait`;
}

/** What a held decision's JSON object gains. */
export function heldJson(held: Held): Record<string, unknown> {
  return {
    approval: held.waits
      ? {
          status: 'awaiting',
          request_id: held.requestId,
          until: iso(held.expiresAt),
          timeout_outcome: held.timeoutOutcome,
        }
      : { status: 'abandoned', result: held.result },
  };
}

function endVerdict(e: Ended): string {
  const { action } = e.request;
  switch (e.resolution.outcome) {
    case 'runs':
      return `${action} executed`;
    case 'rejected':
      return `rejected, ${action} does not run`;
    case 'abandoned':
      return `abandoned, ${action} does not run`;
  }
}

/** Where a request came from: its input line and event, or the window run of a deferred retrain. */
function requestOrigin(e: Ended): string {
  const r = e.request;
  return r.decisionId.endsWith(':window-run')
    ? `the window run of event ${r.triggeringEventId}`
    : `line ${r.line} (event ${r.triggeringEventId})`;
}

/** One approval happening as text (alerts are printed by the caller). */
export function formatApproval(a: LoopApproval, answersFile: string | undefined): string {
  switch (a.kind) {
    case 'answer-error':
      return '';
    case 'window-held':
      return `  ${iso(a.at)}  ${a.modelName}  scheduled RETRAIN of event ${a.eventId}: its window came, ${a.hold.result}\n`;
    case 'end': {
      const where = a.answerLine !== undefined ? `, ${answersFile ?? 'answers'} line ${a.answerLine}` : '';
      return (
        `  ${iso(a.at)}  ${a.request.modelName}  approval request ${a.request.requestId} of ${requestOrigin(a)}  →  ${endVerdict(a)}\n` +
        `    ${a.resolution.said} (request ${a.request.requestId}${where}): decision ${a.request.decisionId}:approval\n`
      );
    }
  }
}

/** One approval happening as a JSON object (`kind` approval_end or approval_request). */
export function approvalJson(a: Exclude<LoopApproval, { kind: 'answer-error' }>): Record<string, unknown> {
  if (a.kind === 'window-held')
    return {
      kind: 'approval_request',
      model_name: a.modelName,
      decision_id: `${a.eventId}:window-run`,
      at: iso(a.at),
      ...heldJson(a.hold),
    };
  const r = a.request;
  return {
    kind: 'approval_end',
    model_name: r.modelName,
    request_id: r.requestId,
    decision_id: r.decisionId,
    entry_id: `${r.decisionId}:approval`,
    action: r.action,
    severity: r.severity,
    at: iso(a.at),
    outcome: a.resolution.outcome,
    said: a.resolution.said,
    ...(a.resolution.by !== undefined ? { by: a.resolution.by } : {}),
    ...(a.answerLine !== undefined ? { answer_line: a.answerLine } : {}),
    ...(a.training ? { awaits_training_result: true } : {}),
  };
}

/** Counts for the summary line. */
export class ApprovalTally {
  asked = 0;
  full = 0;
  approved = 0;
  rejected = 0;
  timedOut = 0;
  proceeded = 0;
  badAnswers = 0;

  held(held: Held): void {
    if (held.waits) this.asked++;
    else this.full++;
  }

  happened(a: LoopApproval): void {
    if (a.kind === 'answer-error') this.badAnswers++;
    else if (a.kind === 'window-held') this.held(a.hold);
    else if (a.answerLine !== undefined) this[a.resolution.outcome === 'runs' ? 'approved' : 'rejected']++;
    else {
      this.timedOut++;
      if (a.resolution.outcome === 'runs') this.proceeded++;
    }
  }

  line(): string {
    return (
      `${this.asked} approval request${this.asked === 1 ? '' : 's'}: ${this.approved} approved, ${this.rejected} rejected, ` +
      `${this.timedOut} timed out (${this.proceeded} proceeded); ${this.full} abandoned with too many waiting; ` +
      `${this.badAnswers} invalid answer${this.badAnswers === 1 ? '' : 's'}\n`
    );
  }
}
