import { log, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { WATCHING_PROMOTION_UNTIL } from '../../contracts/search-attributes';
import type { ActionOutcome, DecisionEntry, GuardianCarriedState } from '../../contracts/guardian-messages';
import {
  DEFAULT_PROMOTION_WATCH_MINUTES,
  describeWatchEnd,
  type PromotionWatch,
  startPromotionWatch,
} from '../../domain/policy';

/**
 * Workflow patch: a retrain that promoted its candidate starts a watch (README "Watch after
 * promotion"), and a timer ends it. Runs begun before it never watch, as they never did.
 */
export const PROMOTION_WATCH_PATCH = 'guardian-promotion-watch';

/**
 * Workflow patch: the guardian shows a running watch as the WatchingPromotionUntil search
 * attribute (cleared after), so the Web UI can list the models under watch. Runs begun before it
 * never set it.
 */
export const WATCH_SEARCH_ATTRIBUTE_PATCH = 'guardian-watch-search-attribute';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The guardian's side of the watch after a promotion: starts it when a retrain child reports a
 * promotion, and ends it when its period is over, recording that the new version is stable. The
 * watch itself lives in the policy state (the policy decides the rollback, see
 * domain/policy/promotion-watch.ts), so it travels across continue-as-new with the rest.
 */
export class PromotionWatchKeeper {
  /** The `until` a timer is armed for (one timer per watch, not one per loop turn). */
  private armedFor?: number;
  private rang = false;

  constructor(
    private readonly modelName: string,
    private readonly state: GuardianCarriedState,
    private readonly record: (entry: DecisionEntry) => void,
  ) {}

  /**
   * A retrain child reported. A promotion starts the watch (replacing one still running: the
   * newest promotion is the one to undo) and its result says so, for the history and the audit.
   */
  retrainFinished(outcome: ActionOutcome): ActionOutcome {
    const promotion = outcome.promotion;
    if (outcome.status !== 'succeeded' || !promotion || !this.state.runningRetrains[outcome.id])
      return outcome;
    const minutes = this.state.settings.promotionWatchMinutes ?? DEFAULT_PROMOTION_WATCH_MINUTES;
    const started = startPromotionWatch(promotion, outcome.id, Date.now(), minutes);
    if ('none' in started) return { ...outcome, result: `${outcome.result}; ${started.none}` };
    const { watch } = started;
    this.state.policy.promotionWatch = watch;
    log.info('watching a promoted version', {
      modelName: this.modelName,
      fromVersion: watch.fromVersion,
      toVersion: watch.toVersion,
      until: iso(watch.until),
    });
    return {
      ...outcome,
      result:
        `${outcome.result}; watching version ${watch.toVersion} for ${minutes} min (until ${iso(watch.until)}): ` +
        `a degradation or failed health check rolls back to version ${watch.fromVersion} at once`,
    };
  }

  /** Ends the watch once its period is over: the promoted version is the stable one now. */
  endIfDue(): void {
    this.rang = false;
    const watch = this.state.policy.promotionWatch;
    if (!watch || Date.now() < watch.until) return;
    delete this.state.policy.promotionWatch;
    log.info('promotion watch ended: the promoted version is stable', {
      modelName: this.modelName,
      toVersion: watch.toVersion,
    });
    this.record(watchEndedEntry(watch, Date.now()));
  }

  /** Starts a timer for the end of the watch, unless one runs for it already. */
  arm(): void {
    const watch = this.state.policy.promotionWatch;
    if (!watch || this.armedFor === watch.until) return;
    this.armedFor = watch.until;
    void sleep(Math.max(watch.until - Date.now(), 1)).then(() => {
      if (this.armedFor === watch.until) this.armedFor = undefined;
      this.rang = true;
    });
  }

  /**
   * WatchingPromotionUntil follows the watch: its end while one runs, removed once it ended (by
   * its timer or a rollback). Compared with what the run shows, so only a change is upserted.
   */
  showInSearchAttributes(): void {
    const until = this.state.policy.promotionWatch?.until;
    const shown = workflowInfo().typedSearchAttributes.get(WATCHING_PROMOTION_UNTIL);
    if (shown?.getTime() === until) return;
    upsertSearchAttributes([
      { key: WATCHING_PROMOTION_UNTIL, value: until === undefined ? null : new Date(until) },
    ]);
  }

  /** For the loop's wake condition: the watch's timer rang. */
  wantsLook(): boolean {
    return this.rang;
  }
}

/** The history entry of a watch that ran out without a rollback (not a decision: nothing runs). */
function watchEndedEntry(watch: PromotionWatch, now: number): DecisionEntry {
  return {
    id: `${watch.decisionId}:watch-ended`,
    origin: 'promotion-watch',
    triggeringEventId: watch.decisionId,
    eventType: 'promotion_watch',
    severity: 'NONE',
    action: 'NONE',
    executed: false,
    status: 'noted',
    reason: describeWatchEnd(watch),
    decidedAt: iso(now),
  };
}
