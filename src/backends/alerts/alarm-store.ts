import type { Pool } from 'pg';
import type { Alarm, AlarmRoute, AlarmSuppression } from '../../contracts/alarms';

/** Records an alarm once (by id), with what held it back if anything; true when this call inserted it. */
export async function recordAlarm(
  pool: Pool,
  alarm: Alarm,
  route: AlarmRoute,
  suppression?: AlarmSuppression,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO alarms (alarm_id, source, subject, kind, priority, route, title, message, details, raised_at,
                         suppressed, suppressed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (alarm_id) DO NOTHING`,
    [
      alarm.alarmId,
      alarm.source,
      alarm.subject,
      alarm.kind ?? null,
      alarm.priority,
      route,
      alarm.title,
      alarm.message,
      JSON.stringify(alarm.details ?? {}),
      alarm.time,
      suppression?.reason ?? null,
      suppression?.by ?? null,
    ],
  );
  return rowCount === 1;
}

/** Channels a message already reached (an earlier attempt of the same send). */
export async function deliveredChannels(pool: Pool, deliveryId: string): Promise<string[]> {
  const { rows } = await pool.query<{ channel: string }>(
    `SELECT channel FROM alarm_deliveries WHERE delivery_id = $1 AND status = 'delivered'`,
    [deliveryId],
  );
  return rows.map((r) => r.channel);
}

export interface DeliveryRecord {
  deliveryId: string;
  channel: string;
  status: 'delivered' | 'undelivered';
  attempts: number;
  alarmCount: number;
  error?: string;
}

/** One message on one channel, delivered or given up on; a later delivery overwrites a give-up. */
export async function recordDelivery(pool: Pool, d: DeliveryRecord): Promise<void> {
  await pool.query(
    `INSERT INTO alarm_deliveries (delivery_id, channel, status, attempts, alarm_count, error)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (delivery_id, channel) DO UPDATE
       SET status = EXCLUDED.status, attempts = alarm_deliveries.attempts + EXCLUDED.attempts,
           error = EXCLUDED.error, finished_at = now()
       WHERE alarm_deliveries.status <> 'delivered'`,
    [d.deliveryId, d.channel, d.status, d.attempts, d.alarmCount, d.error ?? null],
  );
}

interface AlarmRow {
  alarm_id: string;
  source: Alarm['source'];
  subject: string;
  kind: string | null;
  priority: Alarm['priority'];
  title: string;
  message: string;
  details: Record<string, unknown>;
  raised_at: Date;
}

function alarmOf(row: AlarmRow): Alarm {
  return {
    alarmId: row.alarm_id,
    source: row.source,
    subject: row.subject,
    ...(row.kind ? { kind: row.kind } : {}),
    priority: row.priority,
    title: row.title,
    message: row.message,
    time: row.raised_at.toISOString(),
    details: row.details,
  };
}

/**
 * Claims the waiting warnings for one batch: every unclaimed one, and those of a batch claimed
 * more than `staleAfterSeconds` ago that never went out (its sender died). SKIP LOCKED lets every
 * worker flush on its own timer without two of them sending the same warning.
 */
export async function claimWarningBatch(
  pool: Pool,
  batchId: string,
  limit: number,
  staleAfterSeconds: number,
): Promise<Alarm[]> {
  return claimAlarms(
    pool,
    "route = 'batch' AND batch_sent_at IS NULL AND suppressed IS NULL",
    batchId,
    limit,
    staleAfterSeconds,
  );
}

/** Not claimed, or claimed by a batch that is `$3` seconds stale (its sender died). */
const CLAIMABLE = '(batch_id IS NULL OR batch_claimed_at < now() - make_interval(secs => $3))';

/**
 * Claims up to `limit` claimable alarms matching `waiting` (SQL over `alarms`), oldest first, for
 * batch `batchId`; SKIP LOCKED keeps two workers from claiming the same alarm.
 */
async function claimAlarms(
  pool: Pool,
  waiting: string,
  batchId: string,
  limit: number,
  staleAfterSeconds: number,
): Promise<Alarm[]> {
  const { rows } = await pool.query<AlarmRow>(
    `UPDATE alarms SET batch_id = $1, batch_claimed_at = now()
     WHERE alarm_id IN (
       SELECT alarm_id FROM alarms
       WHERE ${waiting} AND ${CLAIMABLE}
       ORDER BY raised_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING alarm_id, source, subject, kind, priority, title, message, details, raised_at`,
    [batchId, limit, staleAfterSeconds],
  );
  return rows.map(alarmOf).sort((a, b) => a.time.localeCompare(b.time));
}

/**
 * Records a critical alarm to wait in its group: it goes out when the group is due, which is
 * `waitSeconds` after the group's first waiting alarm (a later one joins that wait), and no
 * sooner than `intervalSeconds` after the key's last group went out (greatest() ignores the
 * NULL of a key never sent). Returns when.
 */
export async function queueInGroup(
  pool: Pool,
  alarm: Alarm,
  groupKey: string,
  waitSeconds: number,
  intervalSeconds = 0,
): Promise<Date> {
  await pool.query(
    `INSERT INTO alarms (alarm_id, source, subject, kind, priority, route, title, message, details, raised_at,
                         group_key, group_due_at)
     VALUES ($1, $2, $3, $4, $5, 'now', $6, $7, $8, $9, $10,
       coalesce((SELECT min(group_due_at) FROM alarms WHERE group_key = $10 AND group_due_at IS NOT NULL
                   AND batch_id IS NULL AND suppressed IS NULL),
                greatest(now() + make_interval(secs => $11),
                         (SELECT max(batch_sent_at) FROM alarms WHERE group_key = $10 AND batch_sent_at IS NOT NULL)
                           + make_interval(secs => $12))))
     ON CONFLICT (alarm_id) DO NOTHING`,
    [
      alarm.alarmId,
      alarm.source,
      alarm.subject,
      alarm.kind ?? null,
      alarm.priority,
      alarm.title,
      alarm.message,
      JSON.stringify(alarm.details ?? {}),
      alarm.time,
      groupKey,
      waitSeconds,
      intervalSeconds,
    ],
  );
  const { rows } = await pool.query<{ group_due_at: Date }>(
    'SELECT group_due_at FROM alarms WHERE alarm_id = $1',
    [alarm.alarmId],
  );
  return rows[0]?.group_due_at ?? new Date();
}

/**
 * Claims the alarms of one group that is due (or whose claim went stale: its sender died), as
 * claimWarningBatch does for warnings; an empty list when no group is due.
 */
export async function claimDueGroup(
  pool: Pool,
  batchId: string,
  limit: number,
  staleAfterSeconds: number,
): Promise<Alarm[]> {
  return claimAlarms(
    pool,
    `group_due_at IS NOT NULL AND batch_sent_at IS NULL AND suppressed IS NULL
     AND group_key = (
       SELECT group_key FROM alarms
       WHERE group_due_at <= now() AND batch_sent_at IS NULL AND suppressed IS NULL AND ${CLAIMABLE}
       ORDER BY group_due_at LIMIT 1)`,
    batchId,
    limit,
    staleAfterSeconds,
  );
}

/** Marks a claimed alarm as held back after all (a silence created while it waited for its batch). */
export async function markSuppressed(
  pool: Pool,
  alarmId: string,
  suppression: AlarmSuppression,
): Promise<void> {
  await pool.query('UPDATE alarms SET suppressed = $2, suppressed_by = $3 WHERE alarm_id = $1', [
    alarmId,
    suppression.reason,
    suppression.by,
  ]);
}

export async function markBatchSent(pool: Pool, batchId: string): Promise<void> {
  await pool.query('UPDATE alarms SET batch_sent_at = now() WHERE batch_id = $1', [batchId]);
}

/** Information alarms (route `summary`) raised in [from, to), oldest first: for the daily report. */
export async function summaryAlarms(pool: Pool, from: Date, to: Date, limit = 200): Promise<Alarm[]> {
  const { rows } = await pool.query<AlarmRow>(
    `SELECT alarm_id, source, subject, kind, priority, title, message, details, raised_at FROM alarms
     WHERE route = 'summary' AND raised_at >= $1 AND raised_at < $2 ORDER BY raised_at LIMIT $3`,
    [from, to, limit],
  );
  return rows.map(alarmOf);
}

/**
 * The latest critical alarm for a subject raised in the `minutes` before `at` (and not after it):
 * the one that inhibits lower-priority alarms for that subject.
 */
export async function firingCritical(
  pool: Pool,
  subject: string,
  at: Date,
  minutes: number,
): Promise<{ alarmId: string; raisedAt: Date } | undefined> {
  const { rows } = await pool.query<{ alarm_id: string; raised_at: Date }>(
    `SELECT alarm_id, raised_at FROM alarms
     WHERE priority = 'critical' AND subject = $1
       AND raised_at <= $2 AND raised_at >= $2::timestamptz - make_interval(mins => $3)
     ORDER BY raised_at DESC LIMIT 1`,
    [subject, at, minutes],
  );
  return rows[0] ? { alarmId: rows[0].alarm_id, raisedAt: rows[0].raised_at } : undefined;
}

/** Messages given up on since `since`, by channel: the undelivered count a person can look up. */
export async function undeliveredSince(pool: Pool, since: Date): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ channel: string; n: string }>(
    `SELECT channel, count(*) AS n FROM alarm_deliveries
     WHERE status = 'undelivered' AND finished_at >= $1 GROUP BY channel`,
    [since],
  );
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
}

/**
 * Forgets alarms and delivery records older than `days` (a bounded batch per call): the table is a
 * recent record for people and the daily report, not an archive; system.alerts keeps the history.
 * A warning still waiting for its batch is kept whatever its age.
 */
export async function pruneAlarms(pool: Pool, days: number, limit = 1000): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM alarms WHERE alarm_id IN (
       SELECT alarm_id FROM alarms
       WHERE raised_at < now() - make_interval(days => $1)
         AND (route <> 'batch' OR batch_sent_at IS NOT NULL OR suppressed IS NOT NULL)
         AND (group_due_at IS NULL OR batch_sent_at IS NOT NULL)
       LIMIT $2)`,
    [days, limit],
  );
  await pool.query(
    `DELETE FROM alarm_deliveries WHERE ctid IN (
       SELECT ctid FROM alarm_deliveries WHERE finished_at < now() - make_interval(days => $1) LIMIT $2)`,
    [days, limit],
  );
  return rowCount ?? 0;
}
