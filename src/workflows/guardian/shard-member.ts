import type { ActionOutcome, GuardianCarriedState } from '../../contracts/guardian-messages';
import type { ModelEvent } from '../../domain/events';
import type { PolicyStateLimits } from '../../domain/policy';
import type { BackgroundWork } from './background-work';
import type { BatchedWrites } from './batched-writes';
import { EventQueue } from './event-queue';
import type { GuardianHost } from './guardian-host';
import { ModelGuardian } from './model-guardian';
import { PromotionWatchKeeper } from './promotion-watch';
import { recallFromAuditTrail } from './recall';

/** A shard shows one line for all its models: a model's own status is answered by query. */
const QUIET_HOST: GuardianHost = { showDetails: () => {}, showLastAction: () => {} };

/**
 * One model inside a shard: the same guardian, event queue and promotion watch a guardian
 * workflow of its own runs, on the model's own state; only the writes are the shard's.
 */
export class ShardMember {
  readonly guardian: ModelGuardian;
  readonly queue: EventQueue;
  readonly watch: PromotionWatchKeeper;
  /** Reading the model's memory back from the audit trail: its events wait until that is done. */
  private recalling = false;

  constructor(
    readonly modelName: string,
    readonly state: GuardianCarriedState,
    writes: BatchedWrites,
    limits: PolicyStateLimits,
  ) {
    this.guardian = new ModelGuardian(modelName, state, true, true, QUIET_HOST, writes, limits);
    this.queue = new EventQueue(state, true, (reason, payload) => this.guardian.reject(reason, payload));
    this.watch = new PromotionWatchKeeper(modelName, state, (entry) => this.guardian.record(entry));
  }

  /** Timed work that has come due: a watch that ran out, a retrain whose window opened. */
  runDueWork(): void {
    this.watch.endIfDue();
    this.guardian.runDueRetrain();
  }

  /**
   * A model new to the shard (its first event, the first after it went dormant, or after the
   * shard count changed) rebuilds its cooldowns, responses, answered event ids and waiting
   * retrain from the audit trail first, as a guardian of its own does when it starts.
   */
  recall(work: BackgroundWork): void {
    this.recalling = true;
    work.track(`recall:${this.modelName}`, 'recall', async () => {
      try {
        await recallFromAuditTrail(this.modelName, this.state);
      } finally {
        this.recalling = false;
      }
    });
  }

  /** Events wait and the model can decide them now. */
  get hasWork(): boolean {
    return this.queue.length > 0 && !this.recalling;
  }

  /** Decides what waits in the queue (nothing while recalling); returns how many it decided. */
  decideQueued(): number {
    if (this.recalling) return 0;
    let decided = 0;
    while (this.queue.length > 0) {
      // The shard validated each event on arrival (and queued the validated form).
      this.guardian.processValidEvent(this.queue.take() as ModelEvent);
      decided++;
    }
    return decided;
  }

  /** A retrain child of this model reported. */
  retrainFinished(outcome: ActionOutcome): void {
    this.guardian.retrainFinished(this.watch.retrainFinished(outcome));
  }

  /** Whether the model started the retrain an outcome is about. */
  ownsRetrain(id: string): boolean {
    return this.state.runningRetrains[id] !== undefined;
  }

  /** When the model next needs the loop without an event: a waiting retrain's window. */
  get nextDueAt(): number | undefined {
    return this.state.policy.pendingRetrain?.runAt;
  }
}
