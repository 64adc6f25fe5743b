/**
 * Performance lines: `PERF component | operation completed in N.NNNs`, also `…in 250ms`, and
 * optionally followed by ` | {json metadata}` as the reference logging module writes them
 * (`api_fetch_movies completed in 5.001s | {"status": 200, "rows": 20}`).
 *
 * The duration is the FIRST ` completed in N.NNNs` that is followed by the end of the text or
 * by ` | `: metadata comes after the duration, so text inside it can never be taken for the
 * duration, while an operation name that itself says "completed in" without a duration still
 * works. Metadata that is not a JSON object does not lose the operation: it is counted and
 * flagged as unreadable. Parsed with indexOf and a hand-written number scan: no regex, so no
 * backtracking on long lines.
 */
import type { PerfRecord } from './log-line';

const COMPLETED_IN = ' completed in ';
const METADATA_BAR = ' | ';

/** The seconds `N.NNN` + unit say, or undefined; `unit` is trimmed text after the number. */
function secondsOf(value: number, unit: string): number | undefined {
  if (unit === 's' || unit === 'sec' || unit === 'seconds') return value;
  if (unit === 'ms') return value / 1000;
  return undefined;
}

/** True when `text` is a JSON object (the reference writes the decorator's keyword arguments). */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Reads the duration (and metadata) right after the ` completed in ` at `at`. */
function perfAt(text: string, at: number, component: string): PerfRecord | undefined {
  const operation = text.slice(0, at).trim();
  if (operation === '') return undefined;
  let i = at + COMPLETED_IN.length;
  const start = i;
  let dots = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) dots++;
    else if (c < 48 || c > 57) break;
  }
  if (i === start || dots > 1) return undefined;
  const value = Number(text.slice(start, i));
  if (!Number.isFinite(value)) return undefined;
  const bar = text.indexOf(METADATA_BAR, i);
  const seconds = secondsOf(value, text.slice(i, bar < 0 ? text.length : bar).trim());
  if (seconds === undefined) return undefined;
  const record: PerfRecord = { component, operation, seconds };
  if (bar >= 0 && !isJsonObject(text.slice(bar + METADATA_BAR.length))) record.unreadableMetadata = true;
  return record;
}

/** `operation completed in 1.234s [| {metadata}]` → operation + seconds; undefined when it does not say so. */
export function parseCompletedIn(text: string, component: string): PerfRecord | undefined {
  for (let at = text.indexOf(COMPLETED_IN); at >= 0; at = text.indexOf(COMPLETED_IN, at + 1)) {
    const record = perfAt(text, at, component);
    if (record) return record;
  }
  return undefined;
}

/**
 * A message that starts with `PERF ` is a performance record: `PERF component | operation
 * completed in N.NNNs`. Returns undefined for other messages, and a reason string for a PERF
 * message that does not follow the format.
 */
export function parsePerfMessage(message: string): PerfRecord | string | undefined {
  if (!message.startsWith('PERF ')) return undefined;
  const bar = message.indexOf(' | ', 5);
  if (bar < 0) return "PERF line without 'component | operation'";
  const component = message.slice(5, bar).trim();
  const perf = parseCompletedIn(message.slice(bar + 3), component || 'unknown');
  return perf ?? "PERF line without 'completed in N.NNNs'";
}
