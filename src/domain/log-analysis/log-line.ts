/** One log line after parsing, whatever format it came in. */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];

export type LogFormat = 'json' | 'text';

/** A completed operation from a PERF line (or a pino line with `operation` + `durationMs`). */
export interface PerfRecord {
  component: string;
  operation: string;
  seconds: number;
  /** The line carried a ` | …` metadata suffix that is not a JSON object; the operation still counts. */
  unreadableMetadata?: true;
}

export interface LogRecord {
  timeMs: number;
  level: LogLevel;
  /** Logger name / component; `unknown` when the line names none. */
  component: string;
  message: string;
  /** Extra text that helps classify an error (pino `err.code`, `err.message`), never shown. */
  detail: string;
  format: LogFormat;
  perf?: PerfRecord;
  /**
   * Who wrote a JSON line: `hostname/pid` (pino writes both), and `#seq` when the writer numbers
   * its lines as ours does. Tells a copy of a record from another process's or another moment's
   * line with the same text (record-copies.ts).
   */
  writer?: string;
}

/** Why a non-blank line could not be understood; it is counted and sampled, never dropped silently. */
export interface MalformedLine {
  malformed: string;
}

export type ParsedLine = LogRecord | MalformedLine;

export function isMalformed(parsed: ParsedLine): parsed is MalformedLine {
  return (parsed as MalformedLine).malformed !== undefined;
}

/** Level words of text logs and pino labels, upper-cased, mapped to our levels. */
export const LEVEL_WORDS: Readonly<Record<string, LogLevel>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  PERF: 'info',
  NOTICE: 'info',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  ERR: 'error',
  CRITICAL: 'critical',
  FATAL: 'critical',
};

/** pino's numeric levels. */
export function levelFromNumber(n: number): LogLevel {
  if (n >= 60) return 'critical';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}
