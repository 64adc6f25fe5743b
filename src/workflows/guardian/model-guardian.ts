import {
  log,
  setCurrentDetails,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { DecisionRecord } from '../../contracts/guardian-activities';
import { isDriftEvent, parseModelEvent, type ModelEvent } from '../../domain/events';
import {
  activeCooldowns,
  alertPriorityFor,
  evaluateEvent,
  pruneResponses,
  takeDueRetrain,
  type ResponseAction,
  type ResponseDecision,
} from '../../domain/policy';
import { LAST_ACTION, LAST_SEVERITY } from '../../contracts/search-attributes';
import { audit } from './activities';
import { appendToHistory, newestFirst } from './history';
import { settingsAfter } from './operator-command';
import { modelRetrainWorkflow } from './retrain-workflow';
import type { ActionOutcome } from '../../contracts/guardian-messages';
import { type ActionRequest, carryOut, sendAlertSafely } from './run-action';
import type {
  DecisionEntry,
  GuardianCarriedState,
  GuardianStateView,
  OperatorCommand,
  OperatorCommandResult,
} from '../../contracts/guardian-messages';

const iso = (ms: number) => new Date(ms).toISOString();
const LAST_DECISIONS_IN_VIEW = 20;
const REJECTIONS_KEPT = 20;

/**
 * The guardian of one model inside a workflow run: applies the policy to each event, keeps the
 * history, and runs responses in the background so a long training job never holds up the next
 * event. All time is workflow time (Date.now() in a workflow).
 */
export class ModelGuardian {
  private readonly running = new Map<string, { action: string; startedAt: number }>();

  constructor(
    readonly modelName: string,
    readonly state: GuardianCarriedState,
  ) {}

  /** No action or audit write in flight: safe to continue-as-new. */
  isIdle(): boolean {
    return this.running.size === 0;
  }

  /** Validates a signal payload and decides it; bad payloads are counted and kept for inspection. */
  processSignal(payload: unknown): void {
    const parsed = parseModelEvent(payload);
    if (!parsed.ok) return this.reject(`invalid event: ${parsed.reason}`, payload);
    if (parsed.event.model_name !== this.modelName) {
      return this.reject(
        `event for model '${parsed.event.model_name}' reached the guardian of '${this.modelName}'`,
        payload,
      );
    }
    this.processEvent(parsed.event);
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
    );
    if (result.evaluation.duplicate) {
      state.counters.duplicateEvents++;
      log.info('duplicate event ignored', { modelName: this.modelName, eventId: event.event_id });
      return;
    }
    const decision = result.evaluation.decision;
    state.seenEventIds = result.state.seenEventIds;
    state.counters.processedEvents++;

    const entry: DecisionEntry = {
      id: decision.eventId,
      origin: 'event',
      eventType: decision.eventType,
      severity: decision.severity,
      action: decision.action,
      tableAction: decision.tableAction,
      executed: decision.executed,
      status:
        decision.outcome === 'skip' ? 'skipped' : decision.outcome === 'defer' ? 'scheduled' : 'running',
      reason: decision.reason,
      decidedAt: iso(now),
      cooldownUntil: decision.cooldownUntil !== undefined ? iso(decision.cooldownUntil) : undefined,
      runAt: decision.runAt !== undefined ? iso(decision.runAt) : undefined,
    };
    if (event.assumptions || event.extras) {
      entry.input = { assumptions: event.assumptions, extras: event.extras };
    }

    if (state.paused) {
      // Nothing runs and the policy's memory stays as it was: resuming starts from a clean slate.
      this.finish(entry, {
        status: 'paused',
        executed: false,
        reason: `auto-response paused since ${iso(state.paused.since)} (${state.paused.reason}); the policy would have: ${decision.action} — ${decision.reason}`,
      });
      return;
    }

    state.policy = result.state.policy;
    if (decision.cancelsPendingRetrainOf)
      this.markCancelled(decision.cancelsPendingRetrainOf, decision.eventId);
    if (decision.executed) this.setLast(decision.action, decision.severity);

    if (state.settings.dryRun) {
      this.finish(entry, {
        status: 'dry-run',
        executed: false,
        reason: `dry run, nothing runs: ${decision.reason}`,
      });
      return;
    }
    if (decision.driftAlert && isDriftEvent(event)) this.publishDriftAlert(event, decision);
    if (decision.outcome !== 'execute') {
      this.finish(entry, {});
      return;
    }
    this.launch(entry, {
      id: decision.eventId,
      triggeringEventId: decision.eventId,
      modelName: this.modelName,
      modelVersion: event.model_version,
      serviceName:
        'service_name' in event && typeof event.service_name === 'string' ? event.service_name : undefined,
      action: decision.action,
      severity: decision.severity,
      priority: decision.priority,
      reason: decision.reason,
      decidedAt: iso(now),
      sourceEvent: event as unknown as Record<string, unknown>,
    });
  }

  /** Runs the deferred MEDIUM-drift retrain once its maintenance window has come. */
  runDueRetrain(): void {
    const now = Date.now();
    const { state, due } = takeDueRetrain(this.state.policy, now);
    if (!due) return;
    this.state.policy = state;
    const entry: DecisionEntry = {
      id: `${due.eventId}:window-run`,
      origin: 'maintenance-window',
      triggeringEventId: due.eventId,
      eventType: due.eventType,
      severity: due.severity,
      action: 'RETRAIN',
      executed: true,
      status: 'running',
      reason: `maintenance window: running the retrain deferred at ${iso(due.decidedAt)} by event ${due.eventId}`,
      decidedAt: iso(now),
    };
    const original = this.state.history.find((e) => e.id === due.eventId && e.status === 'scheduled');
    if (original) original.result = `ran at ${iso(now)} as ${entry.id}`;
    if (this.state.paused) {
      this.finish(entry, {
        status: 'paused',
        executed: false,
        reason: `${entry.reason}; not run: auto-response paused (${this.state.paused.reason})`,
      });
      return;
    }
    if (this.state.settings.dryRun) {
      this.finish(entry, {
        status: 'dry-run',
        executed: false,
        reason: `dry run, nothing runs: ${entry.reason}`,
      });
      return;
    }
    this.launch(entry, {
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
    const { state } = this;
    const who = command.operator ? `operator ${command.operator}` : 'an operator';
    const entry: DecisionEntry = {
      id: `operator:${uuid4()}`,
      origin: 'operator',
      eventType: 'operator_command',
      severity: 'NONE',
      action: command.command.toUpperCase().replace('-', '_'),
      executed: true,
      status: 'operator',
      reason: `${who}: ${command.reason.trim()}`,
      decidedAt: iso(now),
      operator: command.operator,
    };
    switch (command.command) {
      case 'pause':
        state.paused = { reason: command.reason.trim(), since: now, operator: command.operator };
        entry.result = 'auto-response paused: events are decided and recorded, nothing runs';
        break;
      case 'resume':
        entry.result = `auto-response resumed (paused since ${iso(state.paused?.since ?? now)})`;
        state.paused = null;
        break;
      case 'clear-cooldown': {
        const cooldown = state.policy.cooldowns[command.cooldownKey];
        delete state.policy.cooldowns[command.cooldownKey];
        entry.result = `cooldown ${command.cooldownKey} cleared (it ran until ${iso(cooldown.until)})`;
        break;
      }
      case 'settings':
        state.settings = settingsAfter(state.settings, command);
        entry.result = `settings now ${JSON.stringify(state.settings)}`;
        break;
      case 'force-action': {
        entry.action = command.action;
        entry.severity = 'HIGH';
        entry.reason = `forced by ${who}: ${command.reason.trim()}`;
        if (command.action === 'RETRAIN' && state.policy.pendingRetrain) {
          const pending = state.policy.pendingRetrain;
          delete state.policy.pendingRetrain;
          this.markCancelled(pending.eventId, entry.id);
          entry.reason += `; cancels the retrain scheduled for ${iso(pending.runAt)} (event ${pending.eventId})`;
        }
        if (state.settings.dryRun) {
          this.finish(entry, {
            status: 'dry-run',
            executed: false,
            reason: `dry run, nothing runs: ${entry.reason}`,
          });
          return { entry, state: this.view() };
        }
        entry.status = 'running';
        this.setLast(command.action, 'HIGH');
        this.launch(entry, {
          id: entry.id,
          triggeringEventId: entry.id,
          modelName: this.modelName,
          serviceName: command.serviceName,
          action: command.action,
          severity: 'HIGH',
          priority: 'high',
          reason: entry.reason,
          decidedAt: entry.decidedAt,
        });
        return { entry, state: this.view() };
      }
    }
    this.finish(entry, {});
    return { entry, state: this.view() };
  }

  /** The state query: what an operator needs to understand the guardian right now. */
  view(): GuardianStateView {
    const now = Date.now();
    const { state } = this;
    const pending = state.policy.pendingRetrain;
    return {
      modelName: this.modelName,
      asOf: iso(now),
      paused: state.paused
        ? { reason: state.paused.reason, since: iso(state.paused.since), operator: state.paused.operator }
        : null,
      dryRun: state.settings.dryRun,
      settings: state.settings,
      cooldowns: Object.entries(activeCooldowns(state.policy.cooldowns, now)).map(([key, c]) => ({
        key,
        eventType: c.eventType,
        action: c.action,
        startedAt: iso(c.startedAt),
        until: iso(c.until),
        eventId: c.eventId,
      })),
      recentResponses: pruneResponses(state.policy.recentResponses, now).map((r) => ({
        ...r,
        at: iso(r.at),
      })),
      pendingRetrain: pending
        ? {
            eventId: pending.eventId,
            runAt: iso(pending.runAt),
            decidedAt: iso(pending.decidedAt),
            reason: pending.reason,
          }
        : null,
      runningActions: [
        ...[...this.running.entries()].map(([id, r]) => ({
          id,
          action: r.action,
          startedAt: iso(r.startedAt),
        })),
        ...Object.entries(state.runningRetrains).map(([id, r]) => ({
          id,
          action: 'RETRAIN',
          startedAt: iso(r.startedAt),
          workflowId: r.workflowId,
        })),
      ],
      lastDecisions: newestFirst(state.history, LAST_DECISIONS_IN_VIEW),
      historySize: state.history.length,
      counters: { ...state.counters },
      lastAction: state.lastAction,
      lastSeverity: state.lastSeverity,
      recentRejections: [...state.recentRejections],
      run: state.previousRuns + 1,
    };
  }

  /** Writes a one-line status for the Web UI's "current details". */
  describe(): void {
    const { state } = this;
    const parts = [
      state.paused ? `**paused**: ${state.paused.reason}` : state.settings.dryRun ? '**dry run**' : 'active',
      `last action: ${state.lastAction ?? 'none'} (${state.lastSeverity ?? '-'})`,
      `pending retrain: ${state.policy.pendingRetrain ? iso(state.policy.pendingRetrain.runAt) : 'none'}`,
      `running: ${this.running.size + Object.keys(state.runningRetrains).length}`,
      `decisions: ${state.counters.processedEvents}`,
    ];
    setCurrentDetails(parts.join(' · '));
  }

  // ---- internals ---------------------------------------------------------------------------

  private reject(reason: string, payload: unknown): void {
    const eventId = (payload as { event_id?: unknown } | null)?.event_id;
    this.state.counters.rejectedSignals++;
    this.state.recentRejections.push({
      at: iso(Date.now()),
      reason,
      eventId: typeof eventId === 'string' ? eventId : undefined,
    });
    if (this.state.recentRejections.length > REJECTIONS_KEPT) this.state.recentRejections.shift();
    log.error('guardian rejected a signal', { modelName: this.modelName, reason });
  }

  private setLast(action: ResponseAction, severity: string): void {
    if (this.state.lastAction === action && this.state.lastSeverity === severity) return;
    this.state.lastAction = action;
    this.state.lastSeverity = severity;
    upsertSearchAttributes([
      { key: LAST_ACTION, value: action },
      { key: LAST_SEVERITY, value: severity },
    ]);
  }

  private markCancelled(eventId: string, byId: string): void {
    const scheduled = this.state.history.find((e) => e.id === eventId && e.status === 'scheduled');
    if (scheduled) {
      scheduled.status = 'cancelled';
      scheduled.result = `cancelled by ${byId}`;
    }
  }

  /** Puts a new entry in the history with its final status and writes it to the audit trail. */
  private finish(entry: DecisionEntry, update: Partial<DecisionEntry>): void {
    Object.assign(entry, update);
    appendToHistory(this.state.history, entry);
    this.recordAudit(entry);
  }

  private recordAudit(entry: DecisionEntry): void {
    this.track(`audit:${entry.id}`, 'audit', () => this.writeAudit(entry));
  }

  /** Runs the action in the background; the history shows it running, then its outcome. */
  private launch(entry: DecisionEntry, request: ActionRequest): void {
    entry.status = 'running';
    appendToHistory(this.state.history, entry);
    if (request.action === 'RETRAIN') return this.startRetrain(entry, request);
    this.track(entry.id, request.action, async () => this.settle(entry, await carryOut(request)));
  }

  /** Training takes hours: it runs as a child workflow that outlives this run and reports back. */
  private startRetrain(entry: DecisionEntry, request: ActionRequest): void {
    const guardianWorkflowId = workflowInfo().workflowId;
    const workflowId = `${guardianWorkflowId}/retrain/${entry.id}`;
    this.state.runningRetrains[entry.id] = { workflowId, startedAt: Date.now(), entry: { ...entry } };
    this.track(`start:${entry.id}`, 'RETRAIN', async () => {
      try {
        await startChild(modelRetrainWorkflow, {
          workflowId,
          args: [{ guardianWorkflowId, request }],
          parentClosePolicy: 'ABANDON',
          staticSummary: `RETRAIN ${this.modelName} (${request.priority} priority) for decision ${entry.id}`,
        });
      } catch (err) {
        delete this.state.runningRetrains[entry.id];
        const message = `the retrain workflow could not start: ${err instanceof Error ? err.message : String(err)}`;
        const alert = await sendAlertSafely({
          alertId: `${entry.id}:failure`,
          modelName: this.modelName,
          title: `RETRAIN failed for ${this.modelName}`,
          message: `${message}\nDecision: ${request.reason}`,
          priority: 'high',
          time: iso(Date.now()),
          sourceEvent: request.sourceEvent,
        });
        this.settle(entry, {
          id: entry.id,
          status: 'failed',
          result: `${message}; ${alert.ok ? 'failure alert sent' : `failure alert could not be sent: ${alert.error}`}`,
        });
      }
    });
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
    this.settle(entry, outcome);
    this.describe();
  }

  private settle(entry: DecisionEntry, outcome: ActionOutcome): void {
    entry.status = outcome.status;
    entry.executed = outcome.status === 'succeeded';
    entry.result = outcome.result;
    if (outcome.status === 'failed') {
      this.state.counters.failedActions++;
      log.warn('guardian action failed', {
        modelName: this.modelName,
        id: entry.id,
        action: entry.action,
        result: outcome.result,
      });
    }
    this.recordAudit(entry);
  }

  /** Every drift event also publishes a drift alert (SPEC §2), whatever the response. */
  private publishDriftAlert(
    event: Extract<ModelEvent, { drift_score: number }>,
    decision: ResponseDecision,
  ): void {
    const features = event.affected_features;
    const shown = features.slice(0, 10).join(', ') + (features.length > 10 ? ', …' : '');
    const response =
      decision.outcome === 'skip'
        ? `${decision.action} skipped`
        : decision.outcome === 'defer'
          ? 'RETRAIN scheduled'
          : decision.action;
    this.track(`drift-alert:${event.event_id}`, 'drift alert', async () => {
      const result = await sendAlertSafely({
        alertId: `${event.event_id}:drift`,
        modelName: this.modelName,
        title: `Data drift on ${this.modelName}: ${decision.severity}`,
        message:
          `drift score ${event.drift_score} on ${features.length} feature(s)${shown ? ` (${shown})` : ''}; ` +
          `response: ${response}. ${decision.reason}`,
        priority: alertPriorityFor(decision.severity),
        time: iso(decision.decidedAt),
        sourceEvent: event as unknown as Record<string, unknown>,
      });
      if (!result.ok) {
        this.state.counters.failedActions++;
        log.warn('drift alert could not be sent', {
          modelName: this.modelName,
          eventId: event.event_id,
          error: result.error,
        });
      }
    });
  }

  private async writeAudit(entry: DecisionEntry): Promise<void> {
    const record: DecisionRecord = {
      modelName: this.modelName,
      eventId: entry.id,
      eventType: entry.eventType,
      severity: entry.severity,
      action: entry.action,
      executed: entry.executed,
      reason: entry.result ? `${entry.reason} → ${entry.result}` : entry.reason,
      decidedAt: entry.decidedAt,
      details: {
        status: entry.status,
        origin: entry.origin,
        tableAction: entry.tableAction,
        triggeringEventId: entry.triggeringEventId,
        cooldownUntil: entry.cooldownUntil,
        runAt: entry.runAt,
        result: entry.result,
        operator: entry.operator,
        dryRun: this.state.settings.dryRun || undefined,
        assumptions: entry.input?.assumptions,
        extraFields: entry.input?.extras,
      },
    };
    try {
      await audit.recordDecision.executeWithOptions(
        { summary: `audit: ${entry.action} ${entry.status} (${entry.id.slice(0, 17)})` },
        [record],
      );
    } catch (err) {
      this.state.counters.auditWriteFailures++;
      log.error('decision could not be written to the audit trail', {
        modelName: this.modelName,
        id: entry.id,
        error: err instanceof Error ? err.message : String(err),
      });
    } finally {
      delete entry.input;
    }
  }

  private track(key: string, action: string, work: () => Promise<void>): void {
    // Keys are unique per decision; a suffix keeps two background tasks of one decision apart.
    let id = key;
    for (let n = 2; this.running.has(id); n++) id = `${key}#${n}`;
    this.running.set(id, { action, startedAt: Date.now() });
    void work()
      .catch((err: unknown) => log.error('guardian background task failed', { id, error: String(err) }))
      .finally(() => {
        this.running.delete(id);
        this.describe();
      });
  }
}
