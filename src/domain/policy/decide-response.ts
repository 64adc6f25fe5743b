import { isDriftEvent, type ModelEvent, serviceOfSubject } from '../events';
import { type ResponseAction, type Severity } from './actions';
import { explicitActionRequest, lookupActionTable } from './action-table';
import { describeBusinessHours, isWithinBusinessHours } from './business-hours';
import { activeCooldown, COOLDOWN_MS, cooldownKey, startCooldown } from './cooldowns';
import type { PolicyGuard, ResponseDecision } from './decision';
import { FREQUENCY_LIMIT, recentResponsesTo } from './frequency-limit';
import { afterDetection, confirmationOf, describeWaiting, type HysteresisRules } from './hysteresis';
import { isWithinMaintenanceWindow, nextMaintenanceWindowStart } from './maintenance-window';
import { prunePolicyState, type PolicyState } from './policy-state';
import type { GuardianSettings } from './settings';
import { assessSeverity } from './severity';
import {
  capResponses,
  OTHER_EVENT_TYPES,
  POLICY_STATE_LIMITS,
  type PolicyStateLimits,
  stateEventType,
} from './state-limits';
import { clipText } from '../clip-text';
import { formatLocal } from './time-zone';

const iso = (ms: number) => new Date(ms).toISOString();

function isUrgent(severity: Severity): boolean {
  return severity === 'HIGH' || severity === 'CRITICAL';
}

/**
 * The policy of README "The policy" as one pure function of (event, state, now, settings): severity, the
 * action table (an explicit action_required wins on degradation), then the guards in order —
 * business hours, frequency limit, cooldown — and the maintenance-window deferral of MEDIUM drift.
 * It decides only; applyDecision records the response in the state.
 */
export function decideResponse(
  event: ModelEvent,
  state: PolicyState,
  now: number,
  settings: GuardianSettings,
  limits: PolicyStateLimits = POLICY_STATE_LIMITS,
): ResponseDecision {
  const { timeZone } = settings;
  const assessment = assessSeverity(event);
  const { severity } = assessment;
  const table = lookupActionTable(event.event_type, severity);
  const explicit = explicitActionRequest(event);
  // What was assumed to read a loose event comes first: it may explain everything after it.
  const reasons = [...(event.assumptions ?? []), assessment.explanation, table.explanation];
  const changedBy: PolicyGuard[] = [];

  let action: ResponseAction = table.action;
  if (explicit) {
    reasons.push(
      explicit === table.action
        ? `action_required ${explicit} agrees`
        : `action_required ${explicit} wins over the table`,
    );
    action = explicit;
  }
  const tableAction = action;

  // A service subject (a system event naming no model) has no model to retrain or roll back.
  const service = serviceOfSubject(event.model_name);
  if (service !== undefined && (action === 'RETRAIN' || action === 'ROLLBACK')) {
    reasons.push(
      `no model to ${action === 'RETRAIN' ? 'retrain' : 'roll back'}, the event names only service ${service}: ${action} → ALERT`,
    );
    action = 'ALERT';
    changedBy.push('service-subject');
  }

  // Guard 1: nobody should be woken by a retrain or rollback they did not expect.
  if (
    (action === 'RETRAIN' || action === 'ROLLBACK') &&
    !isWithinBusinessHours(now, settings.businessHours, timeZone)
  ) {
    const when = `${formatLocal(now, timeZone)} is outside business hours ${describeBusinessHours(settings.businessHours)}`;
    if (settings.businessHours.criticalOverride && severity === 'CRITICAL') {
      reasons.push(`${when}, but CRITICAL overrides business hours`);
    } else {
      reasons.push(`${when}: ${action} → ALERT`);
      action = 'ALERT';
      changedBy.push('business-hours');
    }
  }

  // Cooldowns and the frequency count are kept per event type, up to a bound: made-up event types
  // past it share one key, so they cannot grow the state (nor dodge the guards by being new).
  const trackedAs = stateEventType(state, event.event_type, now, limits.eventTypeKeys);
  if (trackedAs !== event.event_type) {
    reasons.push(
      `event type '${clipText(event.event_type)}' shares the cooldowns and frequency limit of ${OTHER_EVENT_TYPES}: this guardian already tracks ${limits.eventTypeKeys} event types outside the action table`,
    );
  }

  // Guard 2: a model that keeps firing gets watched, not acted on again and again.
  const recent = recentResponsesTo(state.recentResponses, trackedAs, now).length;
  if (recent > FREQUENCY_LIMIT.maxResponses) {
    const limit = `frequency limit: ${recent} responses to ${trackedAs} in the last hour (more than ${FREQUENCY_LIMIT.maxResponses})`;
    if (action === 'MONITOR') {
      reasons.push(`${limit}, already MONITOR`);
    } else {
      reasons.push(`${limit}: ${action} → MONITOR`);
      action = 'MONITOR';
      changedBy.push('frequency-limit');
    }
  }

  const key = cooldownKey(trackedAs, action);
  const pending = state.pendingRetrain;
  const isDrift = isDriftEvent(event);
  const defersToWindow = action === 'RETRAIN' && isDrift && severity === 'MEDIUM';
  const retrainsNow = action === 'RETRAIN' && !defersToWindow;

  const base = {
    eventId: event.event_id,
    modelName: event.model_name,
    eventType: event.event_type,
    severity,
    tableAction,
    action,
    priority: isUrgent(severity) ? 'high' : 'normal',
    changedBy,
    decidedAt: now,
    cooldownKey: key,
    driftAlert: isDrift,
    ...(trackedAs !== event.event_type ? { trackedAs } : {}),
  } as const;

  // Guard 0 (checked here so the reason shows what would run): N detections within W first.
  const confirmation = confirmationOf(settings.hysteresis, state.detections, event.event_type, now);
  if (!confirmation.confirmed) {
    reasons.push(`${describeWaiting(confirmation)}: ${action} not yet`);
    return {
      ...base,
      outcome: 'skip',
      executed: false,
      changedBy: [...changedBy, 'hysteresis'],
      reason: reasons.join('; '),
    };
  }
  if (confirmation.rule && confirmation.rule.detections > 1) {
    reasons.push(
      `confirmed: ${confirmation.count} of ${confirmation.rule.detections} detections in ${confirmation.rule.windowMinutes} min`,
    );
  }

  // Guard 3: cooldown. The cooldown a deferred retrain started does not hold back the urgent
  // retrain that replaces it: that retrain is the deferred one, run now.
  const blocking = activeCooldown(state.cooldowns, key, now);
  const promotesPending = blocking !== undefined && retrainsNow && pending?.eventId === blocking.eventId;
  if (blocking && !promotesPending) {
    reasons.push(
      `cooldown ${key} runs until ${iso(blocking.until)} (started by event ${blocking.eventId}): skipped`,
    );
    return {
      ...base,
      outcome: 'skip',
      executed: false,
      changedBy: [...changedBy, 'cooldown'],
      cooldownUntil: blocking.until,
      reason: reasons.join('; '),
    };
  }

  let outcome: ResponseDecision['outcome'] = 'execute';
  let runAt: number | undefined;
  let cancelsPendingRetrainOf: string | undefined;

  if (defersToWindow) {
    const window = `${settings.maintenanceWindow.start}–${settings.maintenanceWindow.end} ${timeZone}`;
    if (isWithinMaintenanceWindow(now, settings.maintenanceWindow, timeZone)) {
      reasons.push(`MEDIUM drift inside the maintenance window ${window}: retrain now`);
    } else if (pending) {
      reasons.push(
        `a retrain is already scheduled for ${iso(pending.runAt)} (event ${pending.eventId}); at most one per model: skipped`,
      );
      return {
        ...base,
        outcome: 'skip',
        executed: false,
        changedBy: [...changedBy, 'pending-retrain'],
        runAt: pending.runAt,
        reason: reasons.join('; '),
      };
    } else {
      runAt = nextMaintenanceWindowStart(now, settings.maintenanceWindow, timeZone);
      outcome = 'defer';
      reasons.push(
        `MEDIUM drift: retrain deferred to the maintenance window at ${formatLocal(runAt, timeZone)}`,
      );
    }
  }

  if (retrainsNow && pending) {
    cancelsPendingRetrainOf = pending.eventId;
    reasons.push(
      `retrains now and cancels the retrain scheduled for ${iso(pending.runAt)} (event ${pending.eventId})` +
        (promotesPending ? ', whose cooldown is waived' : ''),
    );
  }

  const cooldownUntil = now + COOLDOWN_MS[action];
  reasons.push(`cooldown ${key} until ${iso(cooldownUntil)}`);
  return {
    ...base,
    outcome,
    executed: true,
    cooldownUntil,
    runAt,
    cancelsPendingRetrainOf,
    reason: reasons.join('; '),
  };
}

/**
 * The policy state after a decision: an executed (or deferred) response enters the recent
 * responses and starts its cooldown; a deferral becomes the pending retrain; an urgent retrain
 * cancels the pending one. A skipped decision changes nothing but the hysteresis count: under a
 * rule, an unconfirmed detection is remembered and a response starts the count again.
 */
export function applyDecision(
  state: PolicyState,
  decision: ResponseDecision,
  event: Pick<ModelEvent, 'model_version'>,
  hysteresis?: HysteresisRules,
  limits: PolicyStateLimits = POLICY_STATE_LIMITS,
): PolicyState {
  const pruned = prunePolicyState(state, decision.decidedAt);
  const detections = afterDetection(
    hysteresis,
    pruned.detections,
    decision.eventType,
    decision.decidedAt,
    decision.executed,
  );
  if (detections !== undefined) pruned.detections = detections;
  if (!decision.executed) return pruned;
  const trackedAs = decision.trackedAs ?? decision.eventType;
  const next: PolicyState = {
    ...(detections !== undefined ? { detections } : {}),
    cooldowns: {
      ...pruned.cooldowns,
      [decision.cooldownKey]: startCooldown(trackedAs, decision.action, decision.decidedAt, decision.eventId),
    },
    recentResponses: capResponses(
      [
        ...pruned.recentResponses,
        { eventType: trackedAs, action: decision.action, at: decision.decidedAt, eventId: decision.eventId },
      ],
      trackedAs,
      limits.responsesPerEventType,
    ),
    pendingRetrain: decision.cancelsPendingRetrainOf ? undefined : pruned.pendingRetrain,
  };
  if (decision.outcome === 'defer' && decision.runAt !== undefined) {
    next.pendingRetrain = {
      eventId: decision.eventId,
      eventType: decision.eventType,
      severity: decision.severity,
      modelVersion: event.model_version,
      decidedAt: decision.decidedAt,
      runAt: decision.runAt,
      reason: decision.reason,
    };
  }
  if (next.pendingRetrain === undefined) delete next.pendingRetrain;
  return next;
}
