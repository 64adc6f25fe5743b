import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  type AlarmLabels,
  type SilenceMatchers,
  type SilenceRequest,
  longestMatchingSilence,
} from '../../domain/alerting/silence-matchers';

/** A silence as stored and listed. */
export interface Silence {
  silenceId: string;
  matchers: SilenceMatchers;
  creator: string;
  comment: string;
  startsAt: string;
  endsAt: string;
  createdAt: string;
  /** When someone ended it before its time. */
  expiredAt?: string;
}

/** Expiring a silence that does not exist, or has already ended: nothing was changed. */
export class SilenceNotFound extends Error {
  constructor(readonly silenceId: string) {
    super(`no active silence with id ${JSON.stringify(silenceId)} (unknown, or already ended)`);
    this.name = 'SilenceNotFound';
  }
}

interface SilenceRow {
  silence_id: string;
  model: string | null;
  event_type: string | null;
  action: string | null;
  priority: AlarmLabels['priority'] | null;
  source: string | null;
  creator: string;
  comment: string;
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
  expired_at: Date | null;
}

const COLUMNS =
  'silence_id, model, event_type, action, priority, source, creator, comment, starts_at, ends_at, created_at, expired_at';

function silenceOf(row: SilenceRow): Silence {
  const matchers: SilenceMatchers = {};
  if (row.model !== null) matchers.model = row.model;
  if (row.event_type !== null) matchers.eventType = row.event_type;
  if (row.action !== null) matchers.action = row.action;
  if (row.priority !== null) matchers.priority = row.priority;
  if (row.source !== null) matchers.source = row.source;
  return {
    silenceId: row.silence_id,
    matchers,
    creator: row.creator,
    comment: row.comment,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    ...(row.expired_at ? { expiredAt: row.expired_at.toISOString() } : {}),
  };
}

/** Stores a validated silence (validateSilence) and returns it with its new id. */
export async function createSilence(pool: Pool, request: SilenceRequest): Promise<Silence> {
  const m = request.matchers;
  const { rows } = await pool.query<SilenceRow>(
    `INSERT INTO alert_silences (silence_id, model, event_type, action, priority, source, creator, comment, starts_at, ends_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      m.model ?? null,
      m.eventType ?? null,
      m.action ?? null,
      m.priority ?? null,
      m.source ?? null,
      request.creator,
      request.comment,
      request.startsAt ?? new Date(),
      request.endsAt,
    ],
  );
  return silenceOf(rows[0]);
}

/** Silences not yet ended (active or still to start), soonest end first; `all` adds ended ones. */
export async function listSilences(
  pool: Pool,
  options: { all?: boolean; limit?: number } = {},
): Promise<Silence[]> {
  const { rows } = await pool.query<SilenceRow>(
    `SELECT ${COLUMNS} FROM alert_silences
     WHERE $1 OR ends_at > now() ORDER BY ends_at LIMIT $2`,
    [options.all ?? false, options.limit ?? 1000],
  );
  return rows.map(silenceOf);
}

/** Ends a silence now. Throws SilenceNotFound for an unknown or already ended one (nothing changed). */
export async function expireSilence(pool: Pool, silenceId: string): Promise<Silence> {
  const { rows } = await pool.query<SilenceRow>(
    `UPDATE alert_silences SET ends_at = now(), expired_at = now(),
       -- one still to start ends before it began, so it never held anything back
       starts_at = least(starts_at, now() - interval '1 microsecond')
     WHERE silence_id = $1 AND ends_at > now() RETURNING ${COLUMNS}`,
    [silenceId],
  );
  if (rows.length === 0) throw new SilenceNotFound(silenceId);
  return silenceOf(rows[0]);
}

/**
 * The active silence that matches an alarm, if any (the one ending last, so the record names the
 * silence that holds longest). Read at send time: a silence past its end no longer matches.
 */
export async function matchingSilence(pool: Pool, labels: AlarmLabels): Promise<Silence | undefined> {
  const { rows } = await pool.query<SilenceRow>(
    `SELECT ${COLUMNS} FROM alert_silences
     WHERE starts_at <= now() AND ends_at > now()
       AND (model IS NULL OR model = $1) AND (priority IS NULL OR priority = $2) AND (source IS NULL OR source = $3)
     ORDER BY ends_at DESC LIMIT 200`,
    [labels.model, labels.priority, labels.source],
  );
  // The SQL narrows; the domain rule decides (event type and action may be absent on an alarm).
  return longestMatchingSilence(rows.map(silenceOf), labels);
}
