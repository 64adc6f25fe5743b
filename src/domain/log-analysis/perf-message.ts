/**
 * Performance lines: `PERF component | operation completed in N.NNNs` (also `…in 250ms`).
 * Parsed with indexOf and a hand-written number scan: no regex, so no backtracking on long lines.
 */
import type { PerfRecord } from './log-line';

const COMPLETED_IN = ' completed in ';

/** `operation completed in 1.234s` → operation + seconds; undefined when it does not say so. */
export function parseCompletedIn(text: string, component: string): PerfRecord | undefined {
  const at = text.lastIndexOf(COMPLETED_IN);
  if (at <= 0) return undefined;
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
  const unit = text.slice(i).trim();
  let seconds: number;
  if (unit === 's' || unit === 'sec' || unit === 'seconds') seconds = value;
  else if (unit === 'ms') seconds = value / 1000;
  else return undefined;
  return { component, operation, seconds };
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
