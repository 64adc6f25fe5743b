/**
 * Wall-clock maths in an IANA time zone on epoch milliseconds, for report dates, report
 * windows and zone-less text-log timestamps. Built on the policy's time-zone module (Intl
 * only: no clock, no I/O), so the guardian and the report read a zone the same way.
 */

import { isValidTimeZone, LocalDateTime, toLocalDateTime, utcOffsetMs } from '../policy/time-zone';

const HOUR_MS = 3_600_000;

export type WallClock = LocalDateTime;

/** The wall-clock reading at `instantMs` in `timeZone` (the policy's own zone maths). */
export const wallClockAt: (instantMs: number, timeZone: string) => WallClock = toLocalDateTime;

const offsetAt = utcOffsetMs;

/**
 * The instant a wall-clock time in `timeZone` names. A time skipped by a spring-forward gap
 * lands after the gap; a time that happens twice on a fall-back day means the first one.
 */
export function instantOfWallClock(w: WallClock, timeZone: string): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // The offset an hour either side tells both candidate readings apart around a DST change.
  const before = offsetAt(naive - 2 * HOUR_MS, timeZone);
  const after = offsetAt(naive + 2 * HOUR_MS, timeZone);
  const first = naive - before;
  if (before === after) return first;
  const second = naive - after;
  const firstMatches = offsetAt(first, timeZone) === before;
  const secondMatches = offsetAt(second, timeZone) === after;
  if (firstMatches && secondMatches) return Math.min(first, second); // fall back: earlier reading
  if (firstMatches) return first;
  if (secondMatches) return second;
  // In a spring-forward gap neither reading exists: keep the old offset, which lands after the gap.
  return first;
}

/** `YYYY-MM-DD` of the local date at `instantMs` in `timeZone`. */
export function localDateAt(instantMs: number, timeZone: string): string {
  const w = wallClockAt(instantMs, timeZone);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
}

/** `HH:MM` of the local time at `instantMs` in `timeZone`. */
export function localTimeAt(instantMs: number, timeZone: string): string {
  const w = wallClockAt(instantMs, timeZone);
  return `${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** True when Intl knows the zone. */
export const isKnownTimeZone: (timeZone: string) => boolean = isValidTimeZone;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
