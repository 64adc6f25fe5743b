import type { ResponseAction } from './actions';

/** README "The policy" guard 2: more than `maxResponses` responses to one event type in `windowMs` → MONITOR. */
export const FREQUENCY_LIMIT = { maxResponses: 3, windowMs: 60 * 60_000 } as const;

/** A response the guardian made (an executed decision; one a cooldown suppressed is not one). */
export interface RecentResponse {
  eventType: string;
  action: ResponseAction;
  /** Epoch ms of the decision. */
  at: number;
  eventId: string;
}

/** Responses to `eventType` at or after `now − window`. */
export function recentResponsesTo(
  responses: readonly RecentResponse[],
  eventType: string,
  now: number,
): RecentResponse[] {
  const since = now - FREQUENCY_LIMIT.windowMs;
  return responses.filter((r) => r.eventType === eventType && r.at >= since);
}

/** Whether the frequency limit turns the next response to `eventType` into MONITOR. */
export function exceedsFrequencyLimit(
  responses: readonly RecentResponse[],
  eventType: string,
  now: number,
): boolean {
  return recentResponsesTo(responses, eventType, now).length > FREQUENCY_LIMIT.maxResponses;
}

/** Drops responses too old to count for any future decision (keeps workflow state small). */
export function pruneResponses(responses: readonly RecentResponse[], now: number): RecentResponse[] {
  const since = now - FREQUENCY_LIMIT.windowMs;
  return responses.filter((r) => r.at >= since);
}
