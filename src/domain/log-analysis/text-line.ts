/**
 * The classic text format: `[YYYY-MM-DD HH:MM:SS] LEVEL name | message`, optionally with
 * fractional seconds (`,123` or `.123`). `LEVEL` may be `PERF`, in which case the line is
 * `[…] PERF component | operation completed in N.NNNs`. A message of any line that starts
 * with `PERF ` is read as a performance record too. Parsed by position: no regex.
 */
import type { LocalTimestamps } from './local-timestamps';
import { LEVEL_WORDS, LogRecord, ParsedLine, PerfRecord } from './log-line';
import { parseCompletedIn, parsePerfMessage } from './perf-message';

function digits(line: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Parses one line that starts with `[`; `zone` reads the zone-less timestamp. */
export function parseTextLine(line: string, zone: LocalTimestamps): ParsedLine {
  if (line.length < 23) return { malformed: 'too short for a [YYYY-MM-DD HH:MM:SS] line' };
  const year = digits(line, 1, 4);
  const month = digits(line, 6, 2);
  const day = digits(line, 9, 2);
  const hour = digits(line, 12, 2);
  const minute = digits(line, 15, 2);
  const second = digits(line, 18, 2);
  const sep = line.charCodeAt(11);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    line.charCodeAt(5) !== 45 ||
    line.charCodeAt(8) !== 45 ||
    (sep !== 32 && sep !== 84) ||
    line.charCodeAt(14) !== 58 ||
    line.charCodeAt(17) !== 58
  ) {
    return { malformed: 'bad timestamp: expected [YYYY-MM-DD HH:MM:SS]' };
  }
  let i = 20;
  let ms = 0;
  const fraction = line.charCodeAt(i);
  if (fraction === 44 /* , */ || fraction === 46 /* . */) {
    i++;
    let scale = 100;
    while (i < line.length) {
      const c = line.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      i++;
    }
    ms = Math.floor(ms);
  }
  if (line.charCodeAt(i) !== 93 /* ] */ || line.charCodeAt(i + 1) !== 32) {
    return { malformed: "bad timestamp: expected ']' after [YYYY-MM-DD HH:MM:SS]" };
  }
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
