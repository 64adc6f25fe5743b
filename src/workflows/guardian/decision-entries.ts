import type { DecisionRecord } from '../../contracts/guardian-activities';
import type { DecisionEntry } from '../../contracts/guardian-messages';
import type { ModelEvent } from '../../domain/events';
import type { PendingRetrain, ResponseDecision } from '../../domain/policy';

const iso = (ms: number) => new Date(ms).toISOString();

/** The history entry of a policy decision, before anything ran. */
export function entryForDecision(decision: ResponseDecision, event: ModelEvent, now: number): DecisionEntry {
  const entry: DecisionEntry = {
    id: decision.eventId,
    origin: 'event',
    eventType: decision.eventType,
    severity: decision.severity,
    action: decision.action,
    tableAction: decision.tableAction,
    executed: decision.executed,
    status: decision.outcome === 'skip' ? 'skipped' : decision.outcome === 'defer' ? 'scheduled' : 'running',
    reason: decision.reason,
    decidedAt: iso(now),
    cooldownUntil: decision.cooldownUntil !== undefined ? iso(decision.cooldownUntil) : undefined,
    runAt: decision.runAt !== undefined ? iso(decision.runAt) : undefined,
  };
  if (event.assumptions || event.extras) {
    entry.input = { assumptions: event.assumptions, extras: event.extras };
  }
  return entry;
}

/** The history entry of a deferred retrain whose maintenance window has come. */
export function entryForWindowRun(due: PendingRetrain, now: number): DecisionEntry {
  return {
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
}

/** The audit trail's row of a history entry (guardian_decisions). */
export function auditRecordOf(modelName: string, entry: DecisionEntry, dryRun: boolean): DecisionRecord {
  return {
    modelName,
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
      clearedCooldown: entry.clearedCooldown,
      dryRun: dryRun || undefined,
      assumptions: entry.input?.assumptions,
      extraFields: entry.input?.extras,
    },
  };
}
