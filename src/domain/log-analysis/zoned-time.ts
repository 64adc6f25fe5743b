/**
 * Wall-clock maths in an IANA time zone on epoch milliseconds, for report dates, report
 * windows and zone-less text-log timestamps. Intl only: no clock, no I/O.
 */

const HOUR_MS = 3_600_000;

// Building a DateTimeFormat is costly; one per zone lives for the process.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading at `instantMs` in `timeZone`. */
export function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    // Some ICU versions print midnight as 24 even with h23.
    hour: parts.hour % 24,
    minute: parts.minute,
    second: parts.second,
  };
}

function offsetAt(instantMs: number, timeZone: string): number {
  const w = wallClockAt(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

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
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
