import type { Severity } from './actions';
import { activeCooldowns, type Cooldowns } from './cooldowns';
import { pruneResponses, type RecentResponse } from './frequency-limit';
import type { Detections } from './hysteresis';
import type { PromotionWatch } from './promotion-watch';

/** A MEDIUM-drift retrain waiting for the maintenance window (at most one per model). */
export interface PendingRetrain {
  eventId: string;
  eventType: string;
  severity: Severity;
  modelVersion?: string;
  /** Epoch ms of the decision that deferred it. */
  decidedAt: number;
  /** Epoch ms: the maintenance window start it runs at. */
  runAt: number;
  reason: string;
}

/** What the policy remembers about one model between decisions (plain JSON: workflow state). */
export interface PolicyState {
  cooldowns: Cooldowns;
  recentResponses: RecentResponse[];
  pendingRetrain?: PendingRetrain;
  /** Unconfirmed detections of event types with a hysteresis rule (absent without rules). */
  detections?: Detections;
  /** The promotion under watch, if one was promoted within the watch period (README "Watch after promotion"). */
  promotionWatch?: PromotionWatch;
}

export function emptyPolicyState(): PolicyState {
  return { cooldowns: {}, recentResponses: [] };
}

/** The same state without expired cooldowns and responses too old to count. */
export function prunePolicyState(state: PolicyState, now: number): PolicyState {
  return {
    ...state,
    cooldowns: activeCooldowns(state.cooldowns, now),
    recentResponses: pruneResponses(state.recentResponses, now),
  };
}

/** Removes and returns the pending retrain once its window has come (runAt ≤ now). */
export function takeDueRetrain(
  state: PolicyState,
  now: number,
): { state: PolicyState; due?: PendingRetrain } {
  const pending = state.pendingRetrain;
  if (!pending || pending.runAt > now) return { state };
  const { pendingRetrain: _taken, ...rest } = state;
  return { state: rest, due: pending };
}
