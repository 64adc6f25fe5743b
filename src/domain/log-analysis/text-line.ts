/**
 * The classic text format: `[YYYY-MM-DD HH:MM:SS] LEVEL name | message`, optionally with
 * fractional seconds (`,123` or `.123`). `LEVEL` may be `PERF`, in which case the line is
 * `[…] PERF component | operation completed in N.NNNs`. A message of any line that starts
 * with `PERF ` is read as a performance record too. Parsed by position: no regex.
 */
import { BracketTimestamp } from './bracket-timestamp';
import type { LocalTimestamps } from './local-timestamps';
import { LEVEL_WORDS, LogRecord, ParsedLine, PerfRecord } from './log-line';
import { parseCompletedIn, parsePerfMessage } from './perf-message';

const stamp = new BracketTimestamp();

/** Parses one line that starts with `[`; `zone` reads the zone-less timestamp. */
export function parseTextLine(line: string, zone: LocalTimestamps): ParsedLine {
  if (line.length < 23) return { malformed: 'too short for a [YYYY-MM-DD HH:MM:SS] line' };
  const close = stamp.read(line, 0, line.length);
  if (close === -1) return { malformed: 'bad timestamp: expected [YYYY-MM-DD HH:MM:SS]' };
  if (close === -2 || line.charCodeAt(close + 1) !== 32) {
    return { malformed: "bad timestamp: expected ']' after [YYYY-MM-DD HH:MM:SS]" };
  }
  const { year, month, day, hour, minute, second, ms } = stamp;
  const i = close;
  const levelStart = i + 2;
  const levelEnd = line.indexOf(' ', levelStart);
  const levelWord = levelEnd < 0 ? line.slice(levelStart) : line.slice(levelStart, levelEnd);
  const level = LEVEL_WORDS[levelWord] ?? LEVEL_WORDS[levelWord.toUpperCase()];
  if (level === undefined) return { malformed: `unknown level '${levelWord.slice(0, 20)}'` };

  const rest = levelEnd < 0 ? '' : line.slice(levelEnd + 1);
  const bar = rest.indexOf(' | ');
  const component = bar < 0 ? 'unknown' : rest.slice(0, bar).trim() || 'unknown';
  const message = bar < 0 ? rest.trim() : rest.slice(bar + 3).trimEnd();

  let perf: PerfRecord | undefined;
  if (levelWord === 'PERF') {
    perf = parseCompletedIn(message, component);
    if (!perf) return { malformed: "PERF line without 'operation completed in N.NNNs'" };
  } else {
    const embedded = parsePerfMessage(message);
    if (typeof embedded === 'string') return { malformed: embedded };
    perf = embedded;
  }
  const record: LogRecord = {
    timeMs: zone.toInstant(year, month, day, hour, minute, second, ms),
    level,
    component,
    message,
    detail: '',
    format: 'text',
  };
  if (perf) record.perf = perf;
  return record;
}
