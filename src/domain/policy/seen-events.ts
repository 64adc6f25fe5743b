/** How many recent event ids a guardian remembers to recognise redeliveries. */
export const SEEN_EVENT_IDS_LIMIT = 2_000;

/** Whether this event id was processed before (within the remembered window). */
export function hasSeenEvent(seenEventIds: readonly string[], eventId: string): boolean {
  return seenEventIds.includes(eventId);
}

/** The remembered ids with `eventId` added, oldest dropped beyond the limit. */
export function rememberEvent(
  seenEventIds: readonly string[],
  eventId: string,
  limit = SEEN_EVENT_IDS_LIMIT,
): string[] {
  const next = [...seenEventIds, eventId];
  return next.length > limit ? next.slice(next.length - limit) : next;
}
