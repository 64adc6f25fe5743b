/** How many recent event ids a guardian remembers to recognise redeliveries. */
export const SEEN_EVENT_IDS_LIMIT = 2_000;

/** Whether this event id was processed before (within the remembered window). */
export function hasSeenEvent(seenEventIds: readonly string[], eventId: string): boolean {
  return seenEventIds.includes(eventId);
}

/**
 * The remembered ids with `eventId` added, oldest dropped beyond `limit` ids or `charLimit`
 * characters in all (ids are the producer's: long ones must not grow the state).
 */
export function rememberEvent(
  seenEventIds: readonly string[],
  eventId: string,
  limit = SEEN_EVENT_IDS_LIMIT,
  charLimit = Infinity,
): string[] {
  const next = [...seenEventIds, eventId];
  let start = Math.max(0, next.length - limit);
  if (Number.isFinite(charLimit)) {
    let chars = 0;
    for (let i = start; i < next.length; i++) chars += next[i].length;
    while (chars > charLimit && start < next.length - 1) chars -= next[start++].length;
  }
  return start > 0 ? next.slice(start) : next;
}
