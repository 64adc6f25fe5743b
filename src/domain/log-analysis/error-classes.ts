/**
 * Error classes of README "Daily log report". Only error lines (level ERROR, CRITICAL or FATAL) are classified.
 * Classes are tags, not buckets: "connection timed out" is both a connection and a timeout
 * error, so the class counts may add up to more than the error total; an error that matches
 * no class is counted as unclassified. Matching is on the lower-cased message plus the error
 * detail (pino `err.code`/`err.message`), with plain substring tests — no regex.
 *
 * - connection: mentions `connect` (connection, connecting, …), `econnre` (ECONNREFUSED/ECONNRESET),
 *   `socket hang up` or `broken pipe`
 * - timeout: `timeout`, `timed out`, `etimedout`, `deadline exceeded`
 * - http_404: a standalone `404`, or `not found`
 * - http_500: a standalone `500`, or `internal server error`
 * - validation: `validat` (validation, validate, …) or `invalid`
 * - critical: level CRITICAL/FATAL, or the word `CRITICAL` (upper case) in the message
 */
import type { LogRecord } from './log-line';

export type ErrorClass = 'connection' | 'timeout' | 'http_404' | 'http_500' | 'validation' | 'critical';

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'connection',
  'timeout',
  'http_404',
  'http_500',
  'validation',
  'critical',
];

export const ERROR_CLASS_LABELS: Readonly<Record<ErrorClass, string>> = {
  connection: 'connection error',
  timeout: 'timeout error',
  http_404: 'HTTP 404',
  http_500: 'HTTP 500',
  validation: 'validation error',
  critical: 'CRITICAL',
};

/** True for lines that count as errors: ERROR and CRITICAL/FATAL. */
export function isErrorRecord(record: LogRecord): boolean {
  return record.level === 'error' || record.level === 'critical';
}

function isDigitOrLetter(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** True when `token` occurs in `text` not glued to other letters or digits (`HTTP 404:` yes, `14042` no). */
function hasStandalone(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const before = at === 0 ? 32 : text.charCodeAt(at - 1);
    const after = at + token.length >= text.length ? 32 : text.charCodeAt(at + token.length);
    if (!isDigitOrLetter(before) && !isDigitOrLetter(after)) return true;
  }
  return false;
}

function includesAny(text: string, needles: readonly string[]): boolean {
  for (const n of needles) if (text.includes(n)) return true;
  return false;
}

const CONNECTION = ['connect', 'econnre', 'socket hang up', 'broken pipe'];
const TIMEOUT = ['timeout', 'timed out', 'etimedout', 'deadline exceeded'];
const VALIDATION = ['validat', 'invalid'];

/** The classes an error record carries (empty: unclassified). */
export function classifyError(record: LogRecord): ErrorClass[] {
  const raw = record.detail ? `${record.message} ${record.detail}` : record.message;
  const text = raw.toLowerCase();
  const classes: ErrorClass[] = [];
  if (includesAny(text, CONNECTION)) classes.push('connection');
  if (includesAny(text, TIMEOUT)) classes.push('timeout');
  if (hasStandalone(text, '404') || text.includes('not found')) classes.push('http_404');
  if (hasStandalone(text, '500') || text.includes('internal server error')) classes.push('http_500');
  if (includesAny(text, VALIDATION)) classes.push('validation');
  if (record.level === 'critical' || raw.includes('CRITICAL')) classes.push('critical');
  return classes;
}
