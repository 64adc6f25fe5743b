import { isResponseAction, isSeverity } from './actions';
import { activeCooldowns, cooldownKey, type Cooldowns, startCooldown } from './cooldowns';
import { pruneResponses, type RecentResponse } from './frequency-limit';
import type { PendingRetrain } from './policy-state';

/**
 * A guardian that starts without carried state (it ended idle, or an operator terminated or
 * reset it) rebuilds the policy's memory from its audit trail, so a restart never re-opens a
 * cooldown or the frequency limit. These are the facts of one audit row that matter for that.
 */
export interface RecalledDecision {
  /** The audit id: the event id, `<id>:window-run` or `operator:<uuid>`. */
  id: string;
  /** `event`, `maintenance-window` or `operator`. */
  origin: string;
  eventType: string;
  action: string;
  /** The entry's status when it was recorded (succeeded, failed, scheduled, skipped, …). */
  status: string;
  /** Epoch ms, workflow time of the decision. */
  decidedAt: number;
  /** For an operator's clear-cooldown: the key it cleared. */
  clearedCooldown?: string;
  /** For a retrain deferred to the maintenance window (status `scheduled`). */
  severity?: string;
  runAt?: number;
  modelVersion?: string;
  reason?: string;
}

/**
 * Statuses of an event's decision that the policy counted as a response when it was taken: it
 * started the cooldown and entered the frequency window, whatever the action's outcome. A skipped
 * decision did not; a paused guardian's decision left the policy's memory untouched.
 */
const RESPONSE_STATUSES = new Set([
  'running',
  'succeeded',
  'failed',
  'scheduled',
  'cancelled',
  'dry-run',
  // A decision waiting for approval counts when decided, like a retrain deferred to the window.
  'awaiting-approval',
]);

/** How far back the policy's memory reaches: the longest cooldown and the frequency window. */
export const POLICY_MEMORY_MS = 60 * 60_000;

export interface RecalledMemory {
  cooldowns: Cooldowns;
  recentResponses: RecentResponse[];
  /** Event ids the trail has decisions for (a redelivery after the restart is a duplicate). */
  eventIds: string[];
  /** The retrain deferred to the maintenance window that has neither run nor been replaced. */
  pendingRetrain?: PendingRetrain;
}

/**
 * The cooldowns and recent responses the policy would hold at `now` after the recalled decisions
 * (any order), replayed oldest first as `applyDecision` recorded them; an operator's
 * clear-cooldown removes the cooldown it cleared.
 */
export function rebuildPolicyMemory(decisions: readonly RecalledDecision[], now: number): RecalledMemory {
  const ordered = [...decisions].sort((a, b) => a.decidedAt - b.decidedAt);
  let cooldowns: Cooldowns = {};
  const responses: RecentResponse[] = [];
  for (const d of ordered) {
    if (d.origin === 'operator' && d.clearedCooldown !== undefined) {
      delete cooldowns[d.clearedCooldown];
      continue;
    }
    if (d.origin !== 'event' || !RESPONSE_STATUSES.has(d.status) || !isResponseAction(d.action)) continue;
    cooldowns[cooldownKey(d.eventType, d.action)] = startCooldown(d.eventType, d.action, d.decidedAt, d.id);
    responses.push({ eventType: d.eventType, action: d.action, at: d.decidedAt, eventId: d.id });
  }
  cooldowns = activeCooldowns(cooldowns, now);
  const eventIds = ordered.filter((d) => d.origin === 'event').map((d) => d.id);
  const pendingRetrain = stillPendingRetrain(ordered);
  return {
    cooldowns,
    recentResponses: pruneResponses(responses, now),
    eventIds,
    ...(pendingRetrain ? { pendingRetrain } : {}),
  };
}

/**
 * The newest deferred retrain, unless a later decision ended it: its own window run, or any
 * retrain that ran after it (an urgent one, or an operator's), which cancels the deferred one.
 */
function stillPendingRetrain(ordered: readonly RecalledDecision[]): PendingRetrain | undefined {
  const scheduled = [...ordered].reverse().find((d) => d.origin === 'event' && d.status === 'scheduled');
  if (!scheduled || scheduled.runAt === undefined || !isSeverity(scheduled.severity)) return undefined;
  const ended = ordered.some(
    (d) =>
      d !== scheduled &&
      d.decidedAt >= scheduled.decidedAt &&
      (d.id === `${scheduled.id}:window-run` ||
        (d.action === 'RETRAIN' && d.origin !== 'maintenance-window' && RESPONSE_STATUSES.has(d.status))),
  );
  if (ended) return undefined;
  return {
    eventId: scheduled.id,
    eventType: scheduled.eventType,
    severity: scheduled.severity,
    ...(scheduled.modelVersion !== undefined ? { modelVersion: scheduled.modelVersion } : {}),
    decidedAt: scheduled.decidedAt,
    runAt: scheduled.runAt,
    reason: scheduled.reason ?? 'a retrain deferred to the maintenance window, recalled from the audit trail',
  };
}
