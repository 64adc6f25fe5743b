import type { GuardianCarriedState } from '../../contracts/guardian-messages';
import type { GuardianShardCarriedState } from '../../contracts/guardian-shards';
import type { GuardianSettings, PolicyStateLimits } from '../../domain/policy';
import { prunePolicyState } from '../../domain/policy';
import { jsonBytes } from '../../domain/json-bytes';
import { CARRY_BUDGET, fitCarriedState } from './carry-budget';

/**
 * What a shard keeps of each model's policy state: fewer remembered event ids than a guardian of
 * its own (2,000), because one continue-as-new input carries every model of the shard. Event
 * ids are remembered to catch redeliveries, which come within seconds of the first delivery.
 */
export const SHARD_POLICY_STATE_LIMITS: PolicyStateLimits = {
  eventTypeKeys: 32,
  responsesPerEventType: 10,
  seenEventIds: 500,
  seenEventIdChars: 24 * 1024,
};

/**
 * Decisions of each model a shard carries into its next run (a guardian of its own: as many of
 * its last 1,000 as fit). Every run's input is written to the shard's history, and a busy shard
 * continues as new every few thousand events; the audit trail keeps every decision.
 */
export const SHARD_CARRIED_HISTORY = 50;

/** Room for the rest of the shard's input (settings, rejections) and JSON punctuation. */
const SHARD_OVERHEAD_BYTES = 16 * 1024;

/**
 * A model whose guardian holds nothing the policy still uses: no cooldown or response that
 * counts, nothing pending, running, queued or watched, not paused, and the shard's own settings.
 * The shard does not carry it into the next run; its next event starts it afresh, as a new
 * guardian would, and its decisions stay in the audit trail.
 */
export function isDormant(
  state: GuardianCarriedState,
  shardSettings: GuardianSettings,
  now: number,
): boolean {
  const policy = prunePolicyState(state.policy, now);
  return (
    Object.keys(policy.cooldowns).length === 0 &&
    policy.recentResponses.length === 0 &&
    !policy.pendingRetrain &&
    !policy.promotionWatch &&
    Object.keys(policy.detections ?? {}).length === 0 &&
    Object.keys(state.runningRetrains).length === 0 &&
    state.queuedEvents.length === 0 &&
    state.paused === null &&
    JSON.stringify(state.settings) === JSON.stringify(shardSettings)
  );
}

export interface ShardCarryFit {
  carried: GuardianShardCarriedState;
  bytes: number;
  /** Models left out because nothing of theirs is still in use. */
  droppedModels: number;
  /** Oldest decisions left out of the models' carried histories (they stay in the audit trail). */
  droppedDecisions: number;
  /** Oldest remembered event ids left out to fit. */
  droppedEventIds: number;
}

/**
 * The state a shard hands to its next run, within CARRY_BUDGET.totalBytes whatever the number
 * of models: dormant models left out, each model's last SHARD_CARRIED_HISTORY decisions, then
 * each model fitted to an equal share (its history shortened first, then its oldest remembered
 * event ids).
 */
export function fitShardState(
  state: GuardianShardCarriedState,
  shardSettings: GuardianSettings,
  now: number,
): ShardCarryFit {
  const live = Object.entries(state.models).filter(([, s]) => !isDormant(s, shardSettings, now));
  const share = Math.floor(
    (CARRY_BUDGET.totalBytes - SHARD_OVERHEAD_BYTES - jsonBytes(state.recentRejections)) /
      Math.max(live.length, 1),
  );
  const models: Record<string, GuardianCarriedState> = {};
  let droppedDecisions = 0;
  let droppedEventIds = 0;
  for (const [name, modelState] of live) {
    const recent = modelState.history.slice(-SHARD_CARRIED_HISTORY);
    droppedDecisions += modelState.history.length - recent.length;
    const fit = fitCarriedState({ ...modelState, history: recent }, share);
    droppedDecisions += fit.droppedDecisions;
    const carried = fit.carried;
    let bytes = fit.bytes;
    while (bytes > share && carried.seenEventIds.length > 0) {
      const drop = Math.max(1, Math.ceil(carried.seenEventIds.length / 4));
      carried.seenEventIds = carried.seenEventIds.slice(drop);
      droppedEventIds += drop;
      bytes = jsonBytes(carried);
    }
    models[name] = carried;
  }
  const carried: GuardianShardCarriedState = { ...state, models };
  return {
    carried,
    bytes: jsonBytes(carried),
    droppedModels: Object.keys(state.models).length - live.length,
    droppedDecisions,
    droppedEventIds,
  };
}
