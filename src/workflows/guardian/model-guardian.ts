import { log, uuid4 } from '@temporalio/workflow';
import type {
  ActionOutcome,
  DecisionEntry,
  GuardianCarriedState,
  GuardianStateView,
  OperatorCommand,
  OperatorCommandResult,
} from '../../contracts/guardian-messages';
import { clipText } from '../../domain/clip-text';
import { isDriftEvent, parseModelEvent, TEXT_LIMITS, type ModelEvent } from '../../domain/events';
import {
  evaluateEvent,
  LEGACY_POLICY_STATE_LIMITS,
  POLICY_STATE_LIMITS,
  takeDueRetrain,
  takeWatchRollback,
  type ResponseAction,
} from '../../domain/policy';
import { CARRY_BUDGET } from './carry-budget';
import { entryForDecision, entryForWindowRun } from './decision-entries';
import { DecisionRunner } from './decision-runner';
import { decideInEventTrace } from './decide-in-trace';
import { driftAlert } from './drift-alert';
import { applyStateCommand, commandAuthor, operatorEntry } from './operator-command';
import { PendingApprovals } from './approvals';
import type { BatchedWrites } from './batched-writes';
import { type GuardianHost, ownWorkflowHost } from './guardian-host';
import { PromotionApprovals } from './promotion-approval-requests';
import type { ActionRequest } from './run-action';
import { currentDetails, guardianStateView } from './state-view';

const iso = (ms: number) => new Date(ms).toISOString();
const REJECTIONS_KEPT = 20;

/**
 * The guardian of one model inside a workflow run: decides each event with the shared policy,
 * the deferred retrains and the operator's commands, and hands each decision to its
 * DecisionRunner, which runs it in the background and records it. All time is workflow time.
 */
export class ModelGuardian {
  private readonly runner: DecisionRunner;
  /** APPROVAL_PATCH: decisions that need a person wait here; absent in runs begun before it. */
  private approvals?: PendingApprovals;

  constructor(
    readonly modelName: string,
    readonly state: GuardianCarriedState,
    batchedWrites: boolean,
    /** BOUNDED_STATE_PATCH: the policy state keeps to POLICY_STATE_LIMITS. */
    private readonly boundedState = false,
    private readonly host: GuardianHost = ownWorkflowHost,
    /** Writes shared with the other models of a shard; absent: this guardian writes its own. */
    sharedWrites?: BatchedWrites,
    /** How much policy state this guardian keeps (a shard keeps less per model). */
    private readonly limits = boundedState ? POLICY_STATE_LIMITS : LEGACY_POLICY_STATE_LIMITS,
  ) {
    this.runner = new DecisionRunner(modelName, state, () => this.describe(), batchedWrites, sharedWrites);
  }

  /**
   * From now on, decisions that GUARDIAN_APPROVAL_REQUIRED names wait for approval; with
   * `deterministicIds` (APPROVAL_REQUEST_IDS_PATCH) their request ids come from the decision.
   */
  enableApprovals(deterministicIds: boolean): PendingApprovals {
    return (this.approvals = new PendingApprovals(this.modelName, this.state, this.runner, deterministicIds));
  }

  /** Promotions that retrain children ask a person for go through this run's approval requests. */
  promotionApprovals(): PromotionApprovals {
    return new PromotionApprovals(this.modelName, this.state, this.runner, this.approvals);
  }

  /** No action or audit write in flight or waiting: safe to continue-as-new. */
  isIdle(): boolean {
    return this.runner.isIdle();
  }

  /** Actions, writes and retrains of this model in flight. */
  get runningWork(): number {
    return this.runner.running.size + Object.keys(this.state.runningRetrains).length;
  }

  /** Audit rows or drift alerts wait for a write (the event loop flushes them each turn). */
  get wantsFlush(): boolean {
    return this.runner.wantsFlush;
  }

  flushWrites(): void {
    this.runner.flushWrites();
  }

  /** Validates a signal payload and decides it; bad payloads are counted and kept for inspection. */
  processSignal(payload: unknown): void {
    const parsed = parseModelEvent(payload);
    if (!parsed.ok) return this.reject(`invalid event: ${parsed.reason}`, payload);
    this.processValidEvent(parsed.event);
  }

  /** An event already validated by whoever queued it (a shard validates on arrival). */
  processValidEvent(event: ModelEvent): void {
    if (event.model_name !== this.modelName) {
      return this.reject(
        `event for model '${event.model_name}' reached the guardian of '${this.modelName}'`,
        event,
      );
    }
    decideInEventTrace(event, this.state, () => this.processEvent(event));
  }

  /** One event through the shared policy code, then whatever the decision says to do. */
  processEvent(event: ModelEvent): void {
    const { state } = this;
    const now = Date.now();
    const result = evaluateEvent(
      { policy: state.policy, seenEventIds: state.seenEventIds },
      event,
      now,
      state.settings,
      this.limits,
    );
    if (result.evaluation.duplicate) {
      state.counters.duplicateEvents++;
      log.info('duplicate event ignored', { modelName: this.modelName, eventId: event.event_id });
      return;
    }
    const decision = result.evaluation.decision;
    state.seenEventIds = result.state.seenEventIds;
    state.counters.processedEvents++;
    const entry = entryForDecision(decision, event, now);
    // A producer's assumptions are quoted in the reason: bounded here, in full in the audit row's details.
    if (this.boundedState) entry.reason = clipText(entry.reason, CARRY_BUDGET.decisionTextChars);

    if (state.paused) {
      // Nothing runs and the policy's memory stays as it was: resuming starts from a clean slate.
      this.runner.finish(entry, {
        status: 'paused',
        executed: false,
        reason: `auto-response paused since ${iso(state.paused.since)} (${state.paused.reason}); the policy would have: ${decision.action} — ${entry.reason}`,
      });
      return;
    }

    state.policy = result.state.policy;
    if (decision.cancelsPendingRetrainOf)
      this.markCancelled(decision.cancelsPendingRetrainOf, decision.eventId);
    if (decision.executed) this.setLast(decision.action, decision.severity);

    if (this.heldByDryRun(entry)) return;
    if (decision.driftAlert && isDriftEvent(event)) {
      this.runner.sendDriftAlert(event.event_id, driftAlert(this.modelName, event, decision));
    }
    if (decision.outcome !== 'execute') return this.runner.finish(entry, {});
    this.launchUnlessHeld(entry, {
      id: decision.eventId,
      triggeringEventId: decision.eventId,
      modelName: this.modelName,
      modelVersion: event.model_version,
      serviceName:
        'service_name' in event && typeof event.service_name === 'string' ? event.service_name : undefined,
      action: decision.action,
      severity: decision.severity,
      priority: decision.priority,
      reason: entry.reason,
      decidedAt: iso(now),
      sourceEvent: event as unknown as Record<string, unknown>,
      ...(decision.rollbackTo ? { rollbackTo: decision.rollbackTo } : {}),
    });
  }

  /** Runs the deferred MEDIUM-drift retrain once its maintenance window has come. */
  runDueRetrain(): void {
    const now = Date.now();
    const { state, due } = takeDueRetrain(this.state.policy, now);
    if (!due) return;
    this.state.policy = state;
    const entry = entryForWindowRun(due, now);
    const original = this.state.history.find((e) => e.id === due.eventId && e.status === 'scheduled');
    if (original) original.result = `ran at ${iso(now)} as ${entry.id}`;
    if (this.state.paused) {
      this.runner.finish(entry, {
        status: 'paused',
        executed: false,
        reason: `${entry.reason}; not run: auto-response paused (${this.state.paused.reason})`,
      });
      return;
    }
    if (this.heldByDryRun(entry)) return;
    this.launchUnlessHeld(entry, {
      id: entry.id,
      triggeringEventId: due.eventId,
      modelName: this.modelName,
      modelVersion: due.modelVersion,
      action: 'RETRAIN',
      severity: due.severity,
      priority: 'normal',
      reason: `${entry.reason} (${due.reason})`,
      decidedAt: entry.decidedAt,
    });
  }

  /** Carries out a validated operator command; its reason lands in the history and the audit trail. */
  operate(command: OperatorCommand): OperatorCommandResult {
    const now = Date.now();
    const entry = operatorEntry(command, `operator:${uuid4()}`, now);
    if (command.command === 'force-action') this.forceAction(command, entry);
    else {
      applyStateCommand(this.state, command, entry, now);
      this.runner.finish(entry, {});
    }
    return { entry, state: this.view() };
  }

  /** Records an entry that is not a decision (a promotion watch that ran out) in the history and the audit trail. */
  record(entry: DecisionEntry): void {
    this.runner.finish(entry, {});
    this.describe();
  }

  /** The state query: what an operator needs to understand the guardian right now. */
  view(): GuardianStateView {
    const view = guardianStateView(this.modelName, this.state, this.runner.running, Date.now());
    if (this.approvals?.size) view.pendingApprovals = this.approvals.views();
    return view;
  }

  /** Writes a one-line status for the Web UI's "current details". */
  describe(): void {
    const waiting = this.approvals?.size ? ` · awaiting approval: ${this.approvals.size}` : '';
    this.host.showDetails(() => currentDetails(this.state, this.runner.running.size) + waiting);
  }

  /** A retrain child reported its outcome (possibly to a later run than the one that started it). */
  retrainFinished(outcome: ActionOutcome): void {
    const running = this.state.runningRetrains[outcome.id];
    if (!running) {
      log.warn('outcome for a retrain this guardian does not know', {
        modelName: this.modelName,
        id: outcome.id,
      });
      return;
    }
    delete this.state.runningRetrains[outcome.id];
    // After continue-as-new the history holds a copy; it may also have left the bounded history.
    const entry = this.state.history.find((e) => e.id === outcome.id) ?? running.entry;
    this.runner.settle(entry, outcome);
    this.describe();
  }

  // ---- internals ---------------------------------------------------------------------------

  private forceAction(
    command: Extract<OperatorCommand, { command: 'force-action' }>,
    entry: DecisionEntry,
  ): void {
    const { state } = this;
    entry.action = command.action;
    entry.severity = 'HIGH';
    entry.reason = `forced by ${commandAuthor(command)}: ${command.reason.trim()}`;
    if (command.action === 'RETRAIN' && state.policy.pendingRetrain) {
      const pending = state.policy.pendingRetrain;
      delete state.policy.pendingRetrain;
      this.markCancelled(pending.eventId, entry.id);
      entry.reason += `; cancels the retrain scheduled for ${iso(pending.runAt)} (event ${pending.eventId})`;
    }
    if (this.heldByDryRun(entry)) return;
    const undo = command.action === 'ROLLBACK' ? takeWatchRollback(state.policy, Date.now()) : undefined;
    if (undo) {
      state.policy = undo.state;
      entry.reason += `; ${undo.reason}`;
    }
    entry.status = 'running';
    this.setLast(command.action, 'HIGH');
    this.runner.launch(entry, {
      id: entry.id,
      triggeringEventId: entry.id,
      modelName: this.modelName,
      serviceName: command.serviceName,
      action: command.action,
      severity: 'HIGH',
      priority: 'high',
      reason: entry.reason,
      decidedAt: entry.decidedAt,
      ...(undo ? { rollbackTo: undo.rollbackTo } : {}),
    });
  }

  /** Runs the action, unless it must first wait for a person's approval (then it is recorded as waiting). */
  private launchUnlessHeld(entry: DecisionEntry, request: ActionRequest): void {
    if (this.approvals?.holds(entry, request)) return;
    this.runner.launch(entry, request);
  }

  /** In a dry run the entry is recorded as what would have run, and nothing runs. */
  private heldByDryRun(entry: DecisionEntry): boolean {
    if (!this.state.settings.dryRun) return false;
    this.runner.finish(entry, {
      status: 'dry-run',
      executed: false,
      reason: `dry run, nothing runs: ${entry.reason}`,
    });
    return true;
  }

  /** A signal that is not a valid event for this model: counted, logged and kept (bounded) for inspection. */
  reject(reason: string, payload: unknown): void {
    const eventId = (payload as { event_id?: unknown } | null)?.event_id;
    this.state.counters.rejectedSignals++;
    this.state.recentRejections.push({
      at: iso(Date.now()),
      reason,
      // The producer's id, which may be anything: quoted clipped like any value in a reason.
      eventId: typeof eventId === 'string' ? clipText(eventId, TEXT_LIMITS.event_id) : undefined,
    });
    if (this.state.recentRejections.length > REJECTIONS_KEPT) this.state.recentRejections.shift();
    log.error('guardian rejected a signal', { modelName: this.modelName, reason });
  }

  private setLast(action: ResponseAction, severity: string): void {
    if (this.state.lastAction === action && this.state.lastSeverity === severity) return;
    this.state.lastAction = action;
    this.state.lastSeverity = severity;
    this.host.showLastAction(action, severity);
  }

  private markCancelled(eventId: string, byId: string): void {
    const scheduled = this.state.history.find((e) => e.id === eventId && e.status === 'scheduled');
    if (scheduled) {
      scheduled.status = 'cancelled';
      scheduled.result = `cancelled by ${byId}`;
    }
  }
}
