import type { ActionOutcome, GuardianCarriedState } from '../../contracts/guardian-messages';
import type { PolicyStateLimits } from '../../domain/policy';
import type { BatchedWrites } from './batched-writes';
import { EventQueue } from './event-queue';
import type { GuardianHost } from './guardian-host';
import { ModelGuardian } from './model-guardian';
import { PromotionWatchKeeper } from './promotion-watch';

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

  /** Decides what waits in the queue, up to `limit` events; returns how many it decided. */
  decideQueued(limit = Infinity): number {
    let decided = 0;
    while (this.queue.length > 0 && decided < limit) {
      this.guardian.processSignal(this.queue.take());
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
