import { isKnownModelEventType } from './action-table';
import type { RecentResponse } from './frequency-limit';
import { prunePolicyState, type PolicyState } from './policy-state';

/**
 * How much a guardian's policy state may hold. Event types and event ids are chosen by whoever
 * produces events; without these bounds a stream of made-up event types or long ids grows the
 * state (and what each run carries to the next) without end.
 */
export interface PolicyStateLimits {
  /** Event types outside the action table that get cooldowns and a frequency count of their own. */
  eventTypeKeys: number;
  /** Newest responses kept per event type: the frequency limit needs only its threshold + 1. */
  responsesPerEventType: number;
  /** Event ids remembered to recognise redeliveries... */
  seenEventIds: number;
  /** ...and at most this many characters of them in all. */
  seenEventIdChars: number;
}

export const POLICY_STATE_LIMITS: PolicyStateLimits = {
  eventTypeKeys: 32,
  responsesPerEventType: 10,
  seenEventIds: 2_000,
  seenEventIdChars: 128 * 1024,
};

/** What guardian runs begun before these bounds existed keep: replaying them must decide as they did. */
export const LEGACY_POLICY_STATE_LIMITS: PolicyStateLimits = {
  eventTypeKeys: Infinity,
  responsesPerEventType: Infinity,
  seenEventIds: 2_000,
  seenEventIdChars: Infinity,
};

/** The shared key of every event type past `eventTypeKeys`. */
export const OTHER_EVENT_TYPES = '(other event types)';

/** Event types outside the table that the state tracks at `now` (cooldowns running, responses counting). */
function trackedOtherTypes(state: PolicyState, now: number): Set<string> {
  const live = prunePolicyState(state, now);
  const types = new Set<string>();
  for (const c of Object.values(live.cooldowns)) types.add(c.eventType);
  for (const r of live.recentResponses) types.add(r.eventType);
  for (const type of types) {
    if (isKnownModelEventType(type) || type === OTHER_EVENT_TYPES) types.delete(type);
  }
  return types;
}

/**
 * The event type whose cooldowns and frequency count an event uses: its own, unless the state
 * already tracks `limit` other unknown types, in which case all further ones share
 * OTHER_EVENT_TYPES. The table's own event types always keep their own.
 */
export function stateEventType(state: PolicyState, eventType: string, now: number, limit: number): string {
  if (isKnownModelEventType(eventType) || !Number.isFinite(limit)) return eventType;
  const tracked = trackedOtherTypes(state, now);
  return tracked.has(eventType) || tracked.size < limit ? eventType : OTHER_EVENT_TYPES;
}

/** `responses` with the oldest of `eventType` dropped beyond `limit` (order kept). */
export function capResponses(
  responses: RecentResponse[],
  eventType: string,
  limit: number,
): RecentResponse[] {
  let excess = responses.filter((r) => r.eventType === eventType).length - limit;
  if (excess <= 0) return responses;
  return responses.filter((r) => r.eventType !== eventType || excess-- <= 0);
}
