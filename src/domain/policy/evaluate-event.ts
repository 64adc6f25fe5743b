import type { ModelEvent } from '../events';
import { applyDecision, decideResponse } from './decide-response';
import type { ResponseDecision } from './decision';
import { overrideForWatch, watchAfterDecision } from './promotion-watch';
import type { PolicyState } from './policy-state';
import { hasSeenEvent, rememberEvent } from './seen-events';
import type { GuardianSettings } from './settings';
import { POLICY_STATE_LIMITS, type PolicyStateLimits } from './state-limits';

/** The policy state of one model plus the event ids it has already answered. */
export interface ModelPolicyState {
  policy: PolicyState;
  seenEventIds: string[];
}

export type EventEvaluation =
  { duplicate: true; eventId: string } | { duplicate: false; decision: ResponseDecision };

/**
 * One event through the policy, as both the guardian and `simulate` run it: a redelivered
 * event id is answered once; anything else is decided and its response recorded in the state.
 */
export function evaluateEvent(
  state: ModelPolicyState,
  event: ModelEvent,
  now: number,
  settings: GuardianSettings,
  limits: PolicyStateLimits = POLICY_STATE_LIMITS,
): { state: ModelPolicyState; evaluation: EventEvaluation } {
  if (hasSeenEvent(state.seenEventIds, event.event_id)) {
    return { state, evaluation: { duplicate: true, eventId: event.event_id } };
  }
  // A promotion under watch turns a degradation of the new version into a rollback at once.
  const decision = overrideForWatch(
    event,
    decideResponse(event, state.policy, now, settings, limits),
    state.policy,
    now,
  );
  return {
    state: {
      policy: watchAfterDecision(
        state.policy,
        applyDecision(state.policy, decision, event, settings.hysteresis, limits),
        decision,
      ),
      seenEventIds: rememberEvent(
        state.seenEventIds,
        event.event_id,
        limits.seenEventIds,
        limits.seenEventIdChars,
      ),
    },
    evaluation: { duplicate: false, decision },
  };
}
