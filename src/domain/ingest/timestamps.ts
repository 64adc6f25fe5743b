import { utcOffsetMs } from '../policy/time-zone';

/**
 * An event's `timestamp` as producers write it: ISO-8601 with an offset (kept as written), a
 * naive wall time (Python's `datetime.now().isoformat()`, read in the producer's time zone), or
 * epoch seconds / milliseconds. Every reading that needed an assumption says which.
 */
export type TimestampReading = { ok: true; iso: string; assumption?: string } | { ok: false; reason: string };

const DAY_MS = 86_400_000;
/** Below this an epoch number is seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const EPOCH_MS_THRESHOLD = 1e11;
/** 1971-01-01 .. 9999-12-31: anything outside is a unit mistake, not a time. */
const EARLIEST_MS = Date.UTC(1971, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/** What the strict event schema accepts as is: `T` separator, `Z` or `±hh:mm`. */
const STRICT_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function inRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : `a ${typeof value}`;
}

function fromEpoch(value: number): TimestampReading {
  const unit = Math.abs(value) >= EPOCH_MS_THRESHOLD ? 'milliseconds' : 'seconds';
  const ms = unit === 'seconds' ? Math.round(value * 1000) : Math.round(value);
  if (!inRange(ms)) {
    return { ok: false, reason: `timestamp: ${value} is not a time between 1971 and 9999 in epoch ${unit}` };
  }
  const iso = new Date(ms).toISOString();
  return { ok: true, iso, assumption: `timestamp ${value} read as epoch ${unit} (${iso})` };
}

function fromZoned(text: string): TimestampReading {
  // Space separator and `+hhmm` are what other languages print; Date.parse needs ISO's form.
  const iso = text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  if (!inRange(ms))
    return { ok: false, reason: `timestamp: ${describeValue(text)} is not a valid date-time` };
  return { ok: true, iso: STRICT_ZONED.test(text) ? text : new Date(ms).toISOString() };
}

/**
 * The instant a naive wall time names in `timeZone`, read as Python's zoneinfo reads it with
 * fold=0: a time skipped by a spring-forward gap takes the offset from before the change, and a
 * time that happens twice on a fall-back day is its first occurrence.
 */
export function instantOfNaiveWallTime(
  wallAsUtcMs: number,
  timeZone: string,
): { instant: number; dst?: 'gap' | 'overlap' } {
  const before = utcOffsetMs(wallAsUtcMs - DAY_MS, timeZone);
  const after = utcOffsetMs(wallAsUtcMs + DAY_MS, timeZone);
  const wholeSecond = Math.floor(wallAsUtcMs / 1000) * 1000;
  const names = (offset: number) => utcOffsetMs(wholeSecond - offset, timeZone) === offset;
  if (before === after) return { instant: wallAsUtcMs - before };
  const first = names(before);
  const second = names(after);
  if (first && second) return { instant: wallAsUtcMs - Math.max(before, after), dst: 'overlap' };
  if (first) return { instant: wallAsUtcMs - before };
  if (second) return { instant: wallAsUtcMs - after };
  return { instant: wallAsUtcMs - before, dst: 'gap' };
}

function fromNaive(text: string, match: RegExpMatchArray, timeZone: string): TimestampReading {
  const [year, month, day, hour, minute, second = '0'] = match.slice(1, 7).map((p) => p ?? '0');
  const fraction = (match[7] ?? '').padEnd(3, '0').slice(0, 3);
  const parts = [year, month, day, hour, minute, second].map(Number);
  const wall = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], Number(fraction));
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== parts[1] - 1 ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5] ||
    !inRange(wall)
  ) {
    return { ok: false, reason: `timestamp: ${describeValue(text)} is not a valid date-time` };
  }
  const { instant, dst } = instantOfNaiveWallTime(wall, timeZone);
  const iso = new Date(instant).toISOString();
  const clock = `${match[4]}:${match[5]}`;
  const fold =
    dst === 'gap'
      ? `; ${clock} does not exist there that day (DST gap): read with the offset from before the change, as Python's zoneinfo does (fold=0)`
      : dst === 'overlap'
        ? `; ${clock} happens twice there that day (DST overlap): read as the first occurrence, as Python's zoneinfo does (fold=0)`
        : '';
  return {
    ok: true,
    iso,
    assumption: `timestamp ${text} had no offset: read as ${timeZone} wall time (${iso})${fold}`,
  };
}

/** Reads an event's timestamp; `producerTimeZone` is the zone of naive wall times. */
export function readTimestamp(value: unknown, producerTimeZone: string): TimestampReading {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') {
    return {
      ok: false,
      reason: `timestamp: expected an ISO-8601 date-time or epoch seconds/milliseconds, got ${describeValue(value)}`,
    };
  }
  const text = value.trim();
  if (ZONED.test(text)) return fromZoned(text);
  const naive = text.match(NAIVE);
  if (naive) return fromNaive(text, naive, producerTimeZone);
  return {
    ok: false,
    reason: `timestamp: ${describeValue(value)} is not an ISO-8601 date-time (e.g. 2026-03-02T10:15:00+09:00 or 2026-03-02T10:15:00.123456) or epoch seconds/milliseconds`,
  };
}
