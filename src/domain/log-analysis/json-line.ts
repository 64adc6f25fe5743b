/**
 * JSON log lines: our own pino output (`time` epoch ms or ISO, numeric `level`, `msg`,
 * `component`/`name`, `err`) and the common variants other services write (`timestamp`,
 * `level: "ERROR"`, `message`). A pino line with `operation` and `durationMs` (or a `msg`
 * starting with `PERF `) is a performance record. A line with a numeric `pid` names its writer
 * (with `hostname` and the writer's line number `seq`, when it has them).
 */
import type { LocalTimestamps } from './local-timestamps';
import { LEVEL_WORDS, levelFromNumber, LogLevel, LogRecord, ParsedLine, PerfRecord } from './log-line';
import { parsePerfMessage } from './perf-message';

type JsonObject = Record<string, unknown>;

function parseTime(value: unknown, zone: LocalTimestamps): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const last = value.charCodeAt(value.length - 1);
  // An ISO string with no zone designator is wall-clock time, like the text logs.
  const hasZone = last === 90 /* Z */ || last === 122 /* z */ || /[+-]\d\d:?\d\d$/.test(value.slice(-6));
  if (hasZone) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const ms = Date.parse(`${value}Z`);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  return zone.toInstant(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

function parseLevel(value: unknown): LogLevel | undefined {
  if (value === undefined) return 'info';
  if (typeof value === 'number') return levelFromNumber(value);
  if (typeof value === 'string') return LEVEL_WORDS[value] ?? LEVEL_WORDS[value.toUpperCase()];
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function errorDetail(err: unknown): string {
  if (!err || typeof err !== 'object') return typeof err === 'string' ? err : '';
  const e = err as JsonObject;
  return [text(e.type), text(e.code), text(e.message)].filter(Boolean).join(' ');
}

/** Parses one line that starts with `{`. */
export function parseJsonLine(line: string, zone: LocalTimestamps): ParsedLine {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { malformed: 'invalid JSON' };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    return { malformed: 'JSON line is not an object' };
  const o = obj as JsonObject;
  const rawTime = o.time ?? o.timestamp ?? o.ts;
  if (rawTime === undefined) return { malformed: 'JSON line without time/timestamp' };
  const timeMs = parseTime(rawTime, zone);
  if (timeMs === undefined) return { malformed: 'JSON line with an unreadable time' };
  const level = parseLevel(o.level);
  if (level === undefined)
    return { malformed: `JSON line with unknown level ${JSON.stringify(o.level).slice(0, 20)}` };
  const component = text(o.component) ?? text(o.name) ?? text(o.logger) ?? text(o.service) ?? 'unknown';
  const message = text(o.msg) ?? text(o.message) ?? '';

  let perf: PerfRecord | undefined;
  const embedded = parsePerfMessage(message);
  if (typeof embedded === 'string') return { malformed: embedded };
  perf = embedded;
  if (
    !perf &&
    typeof o.durationMs === 'number' &&
    typeof o.operation === 'string' &&
    Number.isFinite(o.durationMs)
  ) {
    perf = { component, operation: o.operation, seconds: o.durationMs / 1000 };
  }
  const record: LogRecord = {
    timeMs,
    level,
    component,
    message,
    detail: errorDetail(o.err ?? o.error),
    format: 'json',
  };
  if (perf) record.perf = perf;
  if (typeof o.pid === 'number') {
    const seq = typeof o.seq === 'number' ? `#${o.seq}` : '';
    record.writer = `${text(o.hostname) ?? ''}/${o.pid}${seq}`;
  }
  return record;
}
