/**
 * Wall-clock maths in an IANA time zone, DST included, on plain epoch milliseconds.
 * Uses only Intl (no clock, no I/O), so workflows, activities and `simulate` share it.
 */

export interface LocalDateTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

// Building a DateTimeFormat is costly; one per zone is enough for the life of the process.
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

/** True when Intl knows the zone (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time at `instantMs` in `timeZone`. */
export function toLocalDateTime(instantMs: number, timeZone: string): LocalDateTime {
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

/** The zone's offset from UTC at an instant, in milliseconds (e.g. +3 600 000 for CET). */
export function utcOffsetMs(instantMs: number, timeZone: string): number {
  const local = toLocalDateTime(instantMs, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `timeZone` names. DST is resolved the way people expect:
 * a time skipped by a spring-forward gap moves forward by the gap (02:30 → 03:30), and a time
 * that happens twice on a fall-back day means its first occurrence.
 */
export function fromLocalDateTime(
  local: Pick<LocalDateTime, 'year' | 'month' | 'day' | 'hour' | 'minute'>,
  timeZone: string,
): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The offset a day either side is the offset before and after any DST change near `wall`.
  const offsetBefore = utcOffsetMs(wall - DAY_MS, timeZone);
  const offsetAfter = utcOffsetMs(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (instant) => instant + utcOffsetMs(instant, timeZone) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: read the wall time with the offset from before the change, i.e. move forward.
  return wall - offsetBefore;
}

/** Calendar date `days` after the given one (handles month and year ends). */
export function addCalendarDays(
  date: Pick<LocalDateTime, 'year' | 'month' | 'day'>,
  days: number,
): Pick<LocalDateTime, 'year' | 'month' | 'day'> {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2024-03-31 03:30 Europe/Berlin`: how reasons show a time to an operator. */
export function formatLocal(instantMs: number, timeZone: string): string {
  const t = toLocalDateTime(instantMs, timeZone);
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)} ${timeZone}`;
}

/** `HH:MM` of a minute-of-day. */
export function formatClock(minuteOfDay: number): string {
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}
