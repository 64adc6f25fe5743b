import { serviceOfSubject, type ModelEvent } from '../events';
import type { ResponseAction } from './actions';
import { COOLDOWN_MS, cooldownKey } from './cooldowns';
import type { ResponseDecision } from './decision';
import type { PolicyState } from './policy-state';

/**
 * The watch after a promotion (README "Watch after promotion"), as Flagger or Argo Rollouts roll a
 * release back when its analysis fails: for a while after a retrained version was promoted, a
 * degradation or a failed health check of the model means the new version is bad, so the
 * guardian rolls back to the version it replaced at once — past business hours, the frequency
 * limit, hysteresis and cooldowns, which exist to damp noise about a version that was fine.
 * Once the period is over the new version is the stable one and the policy applies as usual.
 */

/** The promotion being watched: plain JSON, kept in the policy state and carried across runs. */
export interface PromotionWatch {
  /** The champion the promotion replaced: where a rollback during the watch returns to. */
  fromVersion: string;
  /** The promoted version under watch. */
  toVersion: string;
  /** Epoch ms (workflow time) of the promotion's report. */
  promotedAt: number;
  /** Epoch ms: the watch ends here, and `toVersion` counts as stable. */
  until: number;
  /** The retrain decision that promoted it. */
  decisionId: string;
}

/** The rollback a watch asks for: back to `toVersion` from the watched version `fromVersion`. */
export interface WatchRollback {
  fromVersion: string;
  toVersion: string;
}

export const DEFAULT_PROMOTION_WATCH_MINUTES = 30;
/** The longest watch: one week (longer is not a watch, it is distrust of the evaluation). */
export const MAX_PROMOTION_WATCH_MINUTES = 7 * 24 * 60;

const MINUTE_MS = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Event types that say the promoted version is bad. */
const WATCHED_EVENT_TYPES: Record<string, string> = {
  model_performance_degraded: 'degraded',
  service_health_check_failed: 'failed its health check',
};
/** What the table (or action_required) must ask for: a LOW degradation is MONITOR, and stays so. */
const RESPONSES_THAT_TRIGGER: ReadonlySet<ResponseAction> = new Set(['RETRAIN', 'ROLLBACK']);

/** Problems with a watch length in minutes (empty when valid). */
export function promotionWatchProblems(minutes: unknown): string[] {
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0) {
    return [`promotionWatchMinutes must be a whole number of minutes, 0 or more, got ${String(minutes)}`];
  }
  if (minutes > MAX_PROMOTION_WATCH_MINUTES) {
    return [
      `promotionWatchMinutes must be at most ${MAX_PROMOTION_WATCH_MINUTES} (one week), got ${minutes}`,
    ];
  }
  return [];
}

/**
 * The watch a promotion from `fromVersion` to `toVersion` starts at `now`, or why none starts:
 * a watch of 0 minutes is off, and a promotion that replaced nothing has nothing to return to.
 */
export function startPromotionWatch(
  promotion: { fromVersion?: string; toVersion: string },
  decisionId: string,
  now: number,
  minutes: number,
): { watch: PromotionWatch } | { none: string } {
  if (minutes <= 0) return { none: 'no watch after promotion (promotion watch is 0 minutes)' };
  if (!promotion.fromVersion || promotion.fromVersion === promotion.toVersion) {
    return { none: `no watch after promotion: no earlier version served, nothing to roll back to` };
  }
  return {
    watch: {
      fromVersion: promotion.fromVersion,
      toVersion: promotion.toVersion,
      promotedAt: now,
      until: now + minutes * MINUTE_MS,
      decisionId,
    },
  };
}

/** The watch still running at `now` (ends at `until`, exclusive). */
export function activeWatch(
  state: Pick<PolicyState, 'promotionWatch'>,
  now: number,
): PromotionWatch | undefined {
  const watch = state.promotionWatch;
  return watch && now < watch.until ? watch : undefined;
}

/** Minutes the watch lasts, for reasons. */
function watchMinutes(watch: PromotionWatch): number {
  return Math.round((watch.until - watch.promotedAt) / MINUTE_MS);
}

/** `version 12 is stable: …` — recorded when a watch ran out without a rollback. */
export function describeWatchEnd(watch: PromotionWatch): string {
  return (
    `version ${watch.toVersion} is stable: no degradation or failed health check within ` +
    `${watchMinutes(watch)} min of its promotion from version ${watch.fromVersion} ` +
    `(watch until ${iso(watch.until)}); later rollbacks return to the stable version before it as usual`
  );
}

/**
 * The policy's decision, overridden by a running watch when the event says the promoted version
 * is bad: a ROLLBACK to the version the promotion replaced, executed now. Anything else — no
 * watch, another event type, a LOW event the table would only watch, an event about another
 * version — keeps the policy's decision.
 */
export function overrideForWatch(
  event: ModelEvent,
  decision: ResponseDecision,
  state: Pick<PolicyState, 'promotionWatch'>,
  now: number,
): ResponseDecision {
  const watch = activeWatch(state, now);
  const what = WATCHED_EVENT_TYPES[event.event_type];
  if (!watch || !what || serviceOfSubject(event.model_name) !== undefined) return decision;
  if (!RESPONSES_THAT_TRIGGER.has(decision.tableAction)) return decision;
  if (event.model_version !== undefined && event.model_version !== watch.toVersion) {
    return {
      ...decision,
      reason: `${decision.reason}; the watch of version ${watch.toVersion} does not apply: the event is about version ${event.model_version}`,
    };
  }

  const trackedAs = decision.trackedAs ?? decision.eventType;
  const passed = decision.changedBy.length > 0 ? `; past ${decision.changedBy.join(', ')}` : '';
  const reason =
    `ROLLBACK to version ${watch.fromVersion}: version ${watch.toVersion} ${what} within ` +
    `${watchMinutes(watch)} min of its promotion (watch until ${iso(watch.until)})${passed}; ` +
    `the policy alone: ${decision.action} (${decision.outcome}) — ${decision.reason}`;
  const { cancelsPendingRetrainOf: _retrain, runAt: _runAt, ...rest } = decision;
  return {
    ...rest,
    action: 'ROLLBACK',
    outcome: 'execute',
    executed: true,
    priority: 'high',
    cooldownKey: cooldownKey(trackedAs, 'ROLLBACK'),
    cooldownUntil: now + COOLDOWN_MS.ROLLBACK,
    reason,
    rollbackTo: { fromVersion: watch.toVersion, toVersion: watch.fromVersion },
  };
}

/**
 * An operator's forced ROLLBACK during a watch undoes the promotion: it goes back to the replaced
 * version and ends the watch. Returns the rollback and the state without the watch, or nothing.
 */
export function takeWatchRollback(
  state: PolicyState,
  now: number,
): { state: PolicyState; rollbackTo: WatchRollback; reason: string } | undefined {
  const watch = activeWatch(state, now);
  if (!watch) return undefined;
  const { promotionWatch: _ended, ...rest } = state;
  return {
    state: rest,
    rollbackTo: { fromVersion: watch.toVersion, toVersion: watch.fromVersion },
    reason: `version ${watch.toVersion} is under watch since its promotion (until ${iso(watch.until)}): back to version ${watch.fromVersion}`,
  };
}

/**
 * The policy state after a decision, as to the watch: the rollback it asked for ends it;
 * anything else leaves it as it was (applyDecision does not know about it).
 */
export function watchAfterDecision(
  before: Pick<PolicyState, 'promotionWatch'>,
  after: PolicyState,
  decision: ResponseDecision,
): PolicyState {
  const { promotionWatch: _dropped, ...rest } = after;
  if (decision.rollbackTo || !before.promotionWatch) return rest;
  return { ...rest, promotionWatch: before.promotionWatch };
}
