import type { Pool } from 'pg';
import type { DecisionRecord, RecallRequest } from '../../contracts/guardian-activities';
import { decisionRecordOf } from './decision-log';

/** Most responses recalled: enough for every cooldown key of an hour, and a bounded activity result. */
export const RECALLED_RESPONSES_LIMIT = 400;
/** Characters of a recalled reason: the history shows it, the audit trail keeps it whole. */
export const RECALLED_REASON_CHARS = 500;

/**
 * Reads back what a restarted guardian needs from the audit trail (guardian_decisions), oldest
 * first: every decision since `since` that was a response or an operator's command (skipped and
 * paused decisions never changed the policy's memory, and a flood of them must not crowd the
 * responses out), the newest `recentLimit` decisions of any kind for the history, and the newest
 * retrain deferred to the maintenance window (of the last two days) with the first decision that
 * ended it, if any (its window run, or a retrain that replaced it). Details
 * are cut to the fields the guardian reads: producers' extra fields can be large.
 */
export async function recallDecisions(pool: Pool, request: RecallRequest): Promise<DecisionRecord[]> {
  const { rows } = await pool.query(
    `WITH responses AS (
       SELECT id FROM guardian_decisions
        WHERE model_name = $1 AND decided_at >= $2
          AND coalesce(details->>'status', '') NOT IN ('skipped', 'paused')
        ORDER BY decided_at DESC, id DESC LIMIT $3
     ), recent AS (
       SELECT id FROM guardian_decisions WHERE model_name = $1
        ORDER BY decided_at DESC, id DESC LIMIT $4
     ), scheduled AS (
       SELECT id, event_id, decided_at FROM guardian_decisions
        WHERE model_name = $1 AND decided_at >= $2::timestamptz - interval '2 days'
          AND details->>'status' = 'scheduled'
        ORDER BY decided_at DESC, id DESC LIMIT 1
     ), ended_scheduled AS (
       SELECT g.id FROM guardian_decisions g JOIN scheduled s ON g.decided_at >= s.decided_at
        WHERE g.model_name = $1 AND g.id <> s.id
          AND (g.event_id = s.event_id || ':window-run'
               OR (g.action = 'RETRAIN' AND coalesce(g.details->>'status', '') NOT IN ('skipped', 'paused')))
        ORDER BY g.decided_at LIMIT 1
     )
     SELECT model_name, event_id, event_type, severity, action, executed, decided_at,
            left(reason, $5) AS reason,
            jsonb_strip_nulls(jsonb_build_object(
              'status', details->'status', 'origin', details->'origin',
              'tableAction', details->'tableAction', 'triggeringEventId', details->'triggeringEventId',
              'cooldownUntil', details->'cooldownUntil', 'runAt', details->'runAt',
              'operator', details->'operator', 'clearedCooldown', details->'clearedCooldown',
              'dryRun', details->'dryRun')) AS details
       FROM guardian_decisions
      WHERE id IN (SELECT id FROM responses UNION SELECT id FROM recent
                   UNION SELECT id FROM scheduled UNION SELECT id FROM ended_scheduled)
      ORDER BY decided_at, id`,
    [request.modelName, request.since, RECALLED_RESPONSES_LIMIT, request.recentLimit, RECALLED_REASON_CHARS],
  );
  return rows.map(decisionRecordOf);
}
