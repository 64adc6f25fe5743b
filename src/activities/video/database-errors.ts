import { ApplicationFailure } from '@temporalio/common';
import { DATABASE_ERROR, DATABASE_UNAVAILABLE } from '../../contracts/video-activities';

// Node socket errors and pg's own messages when the server is away or went away.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /connection terminated|timeout expired|connection timeout|server closed the connection|the database system is (starting up|shutting down)|terminating connection|Client has encountered a connection error/i;
// SQLSTATE classes worth another attempt: 08 connection exception, 57P operator intervention
// (shutdown, cannot connect now), 53 insufficient resources, 40 serialization/deadlock.
const RETRYABLE_SQLSTATE = /^(08|57P|53|40)/;

export interface ClassifiedDatabaseError {
  failure: ApplicationFailure;
  /** Counted by the "DB connection failures" metric. */
  isConnectionFailure: boolean;
}

/**
 * Turns a pg/socket error into a typed failure: connection trouble is retryable
 * (DatabaseUnavailable, retried by the activity retry policy), a refused statement is not
 * (DatabaseError: the schema is missing or the data is wrong; retrying cannot help).
 */
export function classifyDatabaseError(err: unknown, action: string): ClassifiedDatabaseError {
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string; message?: string }> };
  // AggregateError (IPv4 + IPv6 attempts) carries the real codes inside.
  const codes = [e.code, ...(e.errors ?? []).map((x) => x.code)].filter(
    (c): c is string => typeof c === 'string',
  );
  const message =
    e.message || (e.errors ?? []).map((x) => x.message).join('; ') || codes.join(', ') || String(err);
  const text = `PostgreSQL ${action}: ${message}${codes.length && !message.includes(codes[0]) ? ` (${codes.join(', ')})` : ''}`;
  const isConnection =
    codes.some((c) => CONNECTION_CODES.has(c) || /^(08|57P)/.test(c)) || CONNECTION_MESSAGES.test(message);
  if (isConnection)
    return { failure: ApplicationFailure.retryable(text, DATABASE_UNAVAILABLE), isConnectionFailure: true };
  const sqlState = codes.find((c) => /^[0-9A-Z]{5}$/.test(c));
  if (sqlState && !RETRYABLE_SQLSTATE.test(sqlState)) {
    return {
      failure: ApplicationFailure.nonRetryable(`${text} [SQLSTATE ${sqlState}]`, DATABASE_ERROR),
      isConnectionFailure: false,
    };
  }
  return { failure: ApplicationFailure.retryable(text, DATABASE_UNAVAILABLE), isConnectionFailure: false };
}
