import { ApplicationFailure, log, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import type {
  ApprovalAnswer,
  ApprovalAnswerResult,
  DecisionEntry,
  GuardianCarriedState,
  PendingApproval,
  PendingApprovalView,
} from '../../contracts/guardian-messages';
import { AWAITING_APPROVAL } from '../../contracts/search-attributes';
import { APPROVAL_FAILURE_TYPES } from '../../contracts/workflows';
import {
  answeredResolution,
  answerProblem,
  approvalEntryId,
  type ApprovalResolution,
  approvalRequestId,
  dueApprovals,
  MAX_PENDING_APPROVALS,
  holdForApproval,
  nextApprovalExpiry,
  notRunResult,
  timeoutResolution,
} from '../../domain/approval/approval-requests';
import { clipText } from '../../domain/clip-text';
import { jsonBytes } from '../../domain/json-bytes';
import type { AlertRequest } from '../../contracts/guardian-activities';
import { approvalRequestAlert } from './approval-request-alert';
import { answerPromotion, PROMOTE } from './promotion-approval-requests';
import { CARRY_BUDGET } from './carry-budget';
import type { DecisionRunner } from './decision-runner';
import type { ActionRequest } from './run-action';

/**
 * Workflow patch: decisions whose action and severity GUARDIAN_APPROVAL_REQUIRED names wait for a
 * person (`approve` / `reject` updates) or their timeout. Runs begun before it act as they did.
 */
export const APPROVAL_PATCH = 'guardian-approval';

/**
 * Workflow patch: a new request's id is `approval:<decision id>` (approvalRequestId), so people
 * and `simulate` can name it; runs begun before it keep their random ids, as they ran.
 */
export const APPROVAL_REQUEST_IDS_PATCH = 'guardian-approval-request-ids';

/** A source event larger than this is not carried with its request (the audit row has it). */
const SOURCE_EVENT_CARRY_BYTES = 8 * 1024;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The approval requests of one guardian: a decision that needs a person is recorded as awaiting
 * approval (it counts for cooldowns and the frequency limit when decided, like a retrain deferred
 * to the maintenance window), an approval request alert goes out, and the action runs only once
 * someone approves it — or, when nobody answers in time, as GUARDIAN_APPROVAL_TIMEOUT_OUTCOME
 * says. The requests are workflow state: they survive worker restarts and continue-as-new, while
 * the guardian decides other events as usual.
 */
export class PendingApprovals {
  constructor(
    private readonly modelName: string,
    private readonly state: GuardianCarriedState,
    private readonly runner: DecisionRunner,
    /** APPROVAL_REQUEST_IDS_PATCH: ids from the decision instead of uuid4(). */
    private readonly deterministicIds = false,
  ) {}

  private get list(): PendingApproval[] {
    return (this.state.pendingApprovals ??= []);
  }

  get size(): number {
    return this.state.pendingApprovals?.length ?? 0;
  }

  /**
   * Holds the decision for approval when the settings say so; false when it should run at once.
   * The entry is recorded (history and audit) as awaiting approval.
   */
  holds(entry: DecisionEntry, request: ActionRequest): boolean {
    const now = Date.now();
    const hold = holdForApproval(this.state.settings.approval, request, this.list, now, () =>
      this.deterministicIds ? approvalRequestId(entry.id, this.list) : uuid4(),
    );
    if (!hold.held) return false;
    if (!hold.waits) {
      log.warn('approval request abandoned: too many wait already', {
        modelName: this.modelName,
        id: entry.id,
      });
      this.runner.finish(entry, { status: 'abandoned', executed: false, result: hold.result });
      return true;
    }
    const pending: PendingApproval = {
      requestId: hold.requestId,
      decisionId: entry.id,
      modelName: this.modelName,
      eventType: entry.eventType,
      action: request.action,
      severity: request.severity,
      priority: request.priority,
      reason: clipText(request.reason, CARRY_BUDGET.decisionTextChars),
      ...(request.modelVersion !== undefined ? { modelVersion: request.modelVersion } : {}),
      ...(request.serviceName !== undefined ? { serviceName: request.serviceName } : {}),
      ...carriedSourceEvent(request.sourceEvent),
      requestedAt: now,
      expiresAt: hold.expiresAt,
      timeoutOutcome: hold.timeoutOutcome,
    };
    this.list.push(pending);
    this.runner.finish(entry, { status: 'awaiting-approval', result: hold.result });
    this.runner.sendInBackground(
      `approval-request:${entry.id}`,
      'approval request alert',
      approvalRequestAlert(pending),
    );
    this.markAwaiting();
    return true;
  }

  /**
   * Holds a request that did not come from a decision of this guardian (a promotion a retrain
   * child waits on) and sends its alert; returns why it cannot wait when too many wait already.
   */
  holdRequest(pending: PendingApproval, alert: AlertRequest): string | undefined {
    if (this.size >= MAX_PENDING_APPROVALS)
      return `${MAX_PENDING_APPROVALS} approval requests already wait on ${this.modelName}`;
    this.list.push(pending);
    this.runner.sendInBackground(`approval-request:${pending.requestId}`, 'approval request alert', alert);
    this.markAwaiting();
    return undefined;
  }

  /** Update validator: an answer must name a waiting request and who gives it. Changes nothing. */
  validate(answer: ApprovalAnswer): void {
    const problem = answerProblem(answer, this.list, this.modelName);
    if (problem)
      throw ApplicationFailure.create({
        type: APPROVAL_FAILURE_TYPES[problem.kind],
        nonRetryable: true,
        message: problem.message,
      });
  }

  /** Carries out a validated answer: approved → the action runs; rejected → recorded, nothing runs. */
  answer(verdict: 'approved' | 'rejected', answer: ApprovalAnswer): ApprovalAnswerResult {
    const pending = this.take(answer.requestId)!;
    const entry = this.resolve(pending, answeredResolution(verdict, answer));
    return { entry, pending: this.views() };
  }

  /** Applies the timeout outcome to every request whose time has come. */
  expireDue(): void {
    for (const pending of dueApprovals(this.list, Date.now())) {
      this.take(pending.requestId);
      this.resolve(pending, timeoutResolution(pending));
    }
  }

  /** Epoch ms of the next timeout, if any request waits. */
  nextExpiry(): number | undefined {
    return nextApprovalExpiry(this.list);
  }

  views(): PendingApprovalView[] {
    return this.list.map((p) => ({
      requestId: p.requestId,
      decisionId: p.decisionId,
      modelName: p.modelName,
      eventType: p.eventType,
      action: p.promotion ? PROMOTE : p.action,
      severity: p.severity,
      reason: p.reason,
      requestedAt: iso(p.requestedAt),
      expiresAt: iso(p.expiresAt),
      timeoutOutcome: p.timeoutOutcome,
      ...(p.promotion
        ? {
            promotion: {
              candidateVersion: p.promotion.candidateVersion,
              ...(p.promotion.championVersion ? { championVersion: p.promotion.championVersion } : {}),
              evaluation: p.promotion.evaluation,
            },
          }
        : {}),
    }));
  }

  // ---- internals ---------------------------------------------------------------------------

  private take(requestId: string): PendingApproval | undefined {
    const index = this.list.findIndex((p) => p.requestId === requestId);
    if (index < 0) return undefined;
    const [pending] = this.list.splice(index, 1);
    if (this.list.length === 0) this.markAwaiting();
    return pending;
  }

  /** The entry `<decision>:approval` that records the answer (or the timeout), and runs the action if it goes ahead. */
  private resolve(pending: PendingApproval, resolution: ApprovalResolution): DecisionEntry {
    const { outcome, said, by } = resolution;
    const now = Date.now();
    const entry: DecisionEntry = {
      id: approvalEntryId(pending.decisionId),
      origin: 'approval',
      triggeringEventId: pending.decisionId,
      eventType: pending.eventType,
      severity: pending.severity,
      action: pending.action,
      executed: false,
      status: 'running',
      reason: `${said} (request ${pending.requestId}); ${pending.reason}`,
      decidedAt: iso(now),
      ...(by !== undefined ? { operator: by } : {}),
    };
    const original = this.state.history.find(
      (e) => e.id === pending.decisionId && e.status === 'awaiting-approval',
    );
    if (original) original.result = `${said} at ${iso(now)}: see ${entry.id}`;
    if (pending.promotion) {
      answerPromotion(this.runner, this.state, pending, entry, outcome, said);
      return entry;
    }
    if (outcome !== 'runs') {
      this.runner.finish(entry, { status: outcome, result: notRunResult(resolution, pending.action) });
      return entry;
    }
    if (this.state.paused) {
      this.runner.finish(entry, {
        status: 'paused',
        result: `not run: auto-response paused (${this.state.paused.reason})`,
      });
      return entry;
    }
    this.runner.launch(entry, {
      id: entry.id,
      triggeringEventId: pending.decisionId,
      modelName: this.modelName,
      modelVersion: pending.modelVersion,
      serviceName: pending.serviceName,
      action: pending.action,
      severity: pending.severity,
      priority: pending.priority,
      reason: entry.reason,
      decidedAt: entry.decidedAt,
      sourceEvent: pending.sourceEvent,
    });
    return entry;
  }

  /** AwaitingApproval in the Web UI: "true" while a request waits. */
  private markAwaiting(): void {
    upsertSearchAttributes([{ key: AWAITING_APPROVAL, value: this.size > 0 ? 'true' : 'false' }]);
  }
}

function carriedSourceEvent(event: Record<string, unknown> | undefined): {
  sourceEvent?: Record<string, unknown>;
} {
  if (!event) return {};
  if (jsonBytes(event) <= SOURCE_EVENT_CARRY_BYTES) return { sourceEvent: event };
  // The whole event is in the decision's audit row: the request keeps what names it.
  return { sourceEvent: { event_id: event.event_id, event_type: event.event_type } };
}
