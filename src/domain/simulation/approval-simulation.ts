import {
  answeredResolution,
  approvalEntryId,
  type ApprovalHold,
  type ApprovalResolution,
  approvalRequestId,
  dueApprovals,
  holdForApproval,
  timeoutResolution,
  type WaitingApproval,
} from '../approval/approval-requests';
import type { ApprovalSettings } from '../approval/approval-settings';
import type { ScriptedAnswer } from './scripted-answers';

/** A decision about to run, as the guardian hands it to its approvals. */
export interface HeldDecision {
  decisionId: string;
  /** The event the decision answers (for a window run, the event that deferred it). */
  triggeringEventId: string;
  modelName: string;
  eventType: string;
  action: string;
  severity: string;
  /** Input line of the event (0: none). */
  line: number;
  at: number;
}

/** A request asked in the simulation. */
export interface SimulatedRequest extends WaitingApproval, HeldDecision {
  /** Set once it ended. */
  ended?: { at: number; said: string };
}

/** What happened to requests between two lines, in time order. */
export type ApprovalEvent =
  | {
      kind: 'end';
      request: SimulatedRequest;
      at: number;
      resolution: ApprovalResolution;
      /** The answers file's line, when a person answered. */
      answerLine?: number;
    }
  | { kind: 'answer-error'; line: number; at: number; error: string };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Approval requests in `simulate`, per model as each guardian keeps them, decided by the guardian's
 * own rules (domain/approval/approval-requests): what is held, the bound on waiting requests, the
 * request id, what a timeout does. Scripted answers come at their own time; an answer that names
 * no waiting request is an error naming its line, as the guardian's validator refuses it.
 */
export class ApprovalSimulation {
  private readonly waiting = new Map<string, SimulatedRequest[]>();
  /** Every request asked, for answers that come too late or twice. */
  private readonly asked: SimulatedRequest[] = [];
  private readonly answers: ScriptedAnswer[];

  constructor(
    readonly settings: ApprovalSettings | undefined,
    answers: readonly ScriptedAnswer[],
  ) {
    this.answers = [...answers].sort((a, b) => a.at - b.at || a.line - b.line);
  }

  /** Whether the settings name anything that waits. */
  get active(): boolean {
    return (this.settings?.required.length ?? 0) > 0;
  }

  /** Holds a decision for approval when the settings say so; call `advanceTo(decision.at)` first. */
  hold(decision: HeldDecision): ApprovalHold {
    const list = this.waiting.get(decision.modelName) ?? [];
    const hold = holdForApproval(this.settings, decision, list, decision.at, () =>
      approvalRequestId(decision.decisionId, list),
    );
    if (hold.held && hold.waits) {
      const request: SimulatedRequest = {
        ...decision,
        requestId: hold.requestId,
        requestedAt: decision.at,
        expiresAt: hold.expiresAt,
        timeoutOutcome: hold.timeoutOutcome,
      };
      list.push(request);
      this.waiting.set(decision.modelName, list);
      this.asked.push(request);
    }
    return hold;
  }

  /**
   * Timeouts and answers up to `at` (inclusive), oldest first. A timeout comes before an answer
   * at the same moment: the guardian times requests out before it takes anything else.
   */
  advanceTo(at: number): ApprovalEvent[] {
    const events: ApprovalEvent[] = [];
    for (;;) {
      const expiry = this.nextExpiry();
      const answer = this.answers[0];
      const answerAt = answer && answer.at <= at ? answer.at : undefined;
      if (expiry !== undefined && expiry <= at && (answerAt === undefined || expiry <= answerAt)) {
        events.push(...this.expire(expiry));
        continue;
      }
      if (answerAt === undefined) return events;
      this.answers.shift();
      events.push(this.take(answer));
    }
  }

  /** Everything left: every waiting request times out, every answer left is taken in its turn. */
  finish(): ApprovalEvent[] {
    return this.advanceTo(Number.POSITIVE_INFINITY);
  }

  /** Requests that still wait (only when finish was not called). */
  stillWaiting(): SimulatedRequest[] {
    return [...this.waiting.values()].flat();
  }

  private nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const list of this.waiting.values())
      for (const w of list) if (next === undefined || w.expiresAt < next) next = w.expiresAt;
    return next;
  }

  private expire(now: number): ApprovalEvent[] {
    const events: ApprovalEvent[] = [];
    for (const [model, list] of this.waiting) {
      for (const request of dueApprovals(list, now)) {
        const resolution = timeoutResolution(request);
        this.end(model, request, request.expiresAt, resolution.said);
        events.push({ kind: 'end', request, at: request.expiresAt, resolution });
      }
    }
    return events.sort((a, b) => a.at - b.at);
  }

  private take(answer: ScriptedAnswer): ApprovalEvent {
    const named = this.asked.filter(
      (r) =>
        (answer.requestId === undefined || r.requestId === answer.requestId) &&
        (answer.eventId === undefined ||
          r.triggeringEventId === answer.eventId ||
          r.decisionId === answer.eventId) &&
        (answer.modelName === undefined || r.modelName === answer.modelName),
    );
    const error = (text: string): ApprovalEvent => ({
      kind: 'answer-error',
      line: answer.line,
      at: answer.at,
      error: text,
    });
    const which = answer.requestId ? `request '${answer.requestId}'` : `event '${answer.eventId}'`;
    const open = named.filter((r) => !r.ended);
    if (open.length > 1 && new Set(open.map((r) => r.modelName)).size > 1)
      return error(
        `${which} names requests of ${[...new Set(open.map((r) => r.modelName))].join(', ')}: add model_name`,
      );
    const request = open[0];
    if (!request) {
      const last = named[named.length - 1];
      if (last?.ended)
        return error(
          `the approval request ${last.requestId} already ended at ${iso(last.ended.at)} (${last.ended.said}); an answer at ${iso(answer.at)} comes too late`,
        );
      const waiting = this.stillWaiting().map((r) => r.requestId);
      return error(
        `no approval request for ${which} waits at ${iso(answer.at)} (unknown, not held for approval, or asked later); waiting: ${waiting.length ? waiting.join(', ') : 'none'}`,
      );
    }
    const resolution = answeredResolution(answer.verdict, {
      requestId: request.requestId,
      by: answer.by,
      reason: answer.reason,
    });
    this.end(request.modelName, request, answer.at, `${resolution.said}, answers line ${answer.line}`);
    return { kind: 'end', request, at: answer.at, resolution, answerLine: answer.line };
  }

  private end(model: string, request: SimulatedRequest, at: number, said: string): void {
    request.ended = { at, said };
    const list = (this.waiting.get(model) ?? []).filter((r) => r !== request);
    if (list.length > 0) this.waiting.set(model, list);
    else this.waiting.delete(model);
  }
}

/** The id of the entry that records how a request ended (and runs it, when it runs). */
export const endedEntryId = (request: SimulatedRequest): string => approvalEntryId(request.decisionId);
