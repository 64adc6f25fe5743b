import type { ResponseAction, Severity } from './actions';
import type { WatchRollback } from './promotion-watch';

/** execute: run now · defer: run at the maintenance window · skip: nothing runs. */
export type DecisionOutcome = 'execute' | 'defer' | 'skip';

/** The rules that can change or stop what the table said. */
export type PolicyGuard =
  'service-subject' | 'business-hours' | 'frequency-limit' | 'hysteresis' | 'cooldown' | 'pending-retrain';

/** One decision of the policy about one event, with everything an operator needs to see why. */
export interface ResponseDecision {
  eventId: string;
  modelName: string;
  eventType: string;
  severity: Severity;
  /** What the action table (or an explicit action_required) said. */
  tableAction: ResponseAction;
  /** The action after the guards. */
  action: ResponseAction;
  outcome: DecisionOutcome;
  /** A response was made (now or deferred); false when a guard suppressed it. */
  executed: boolean;
  priority: 'high' | 'normal';
  /** Which rule fired, what the table said, which guard changed it, until when a cooldown runs. */
  reason: string;
  /** Guards that changed the table's action or suppressed it. */
  changedBy: PolicyGuard[];
  /** Epoch ms: the policy's "now". */
  decidedAt: number;
  /** `event_type:action` of the final action. */
  cooldownKey: string;
  /** Epoch ms: for a skip, when the blocking cooldown ends; otherwise when the new one ends. */
  cooldownUntil?: number;
  /** Epoch ms: for a deferred retrain, the maintenance window start it runs at. */
  runAt?: number;
  /** The event id of a pending scheduled retrain this decision cancels (it retrains now). */
  cancelsPendingRetrainOf?: string;
  /** Every drift event also publishes a drift alert. */
  driftAlert: boolean;
  /**
   * The key its cooldowns and frequency count are kept under when not its own event type:
   * OTHER_EVENT_TYPES, once the guardian tracks as many event types as its state may hold.
   */
  trackedAs?: string;
  /** A ROLLBACK a promotion watch asked for: from the watched version back to the one it replaced. */
  rollbackTo?: WatchRollback;
}
