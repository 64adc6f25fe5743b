import { clipText } from '../clip-text';
import {
  type DegradationEvent,
  isDegradationEvent,
  type KnownModelEventType,
  MODEL_EVENT_TYPES,
  type ModelEvent,
} from '../events';
import type { ResponseAction, Severity } from './actions';

/** README "The policy": event type × severity → action. */
export const ACTION_TABLE: Record<KnownModelEventType, Record<Severity, ResponseAction>> = {
  data_drift_detected: { LOW: 'MONITOR', MEDIUM: 'RETRAIN', HIGH: 'RETRAIN', CRITICAL: 'RETRAIN' },
  model_performance_degraded: { LOW: 'MONITOR', MEDIUM: 'RETRAIN', HIGH: 'ROLLBACK', CRITICAL: 'ROLLBACK' },
  system_overload: { LOW: 'MONITOR', MEDIUM: 'SCALE_UP', HIGH: 'SCALE_UP', CRITICAL: 'SCALE_UP' },
  prediction_latency_high: { LOW: 'MONITOR', MEDIUM: 'SCALE_UP', HIGH: 'SCALE_UP', CRITICAL: 'SCALE_UP' },
  service_health_check_failed: { LOW: 'ALERT', MEDIUM: 'ROLLBACK', HIGH: 'ROLLBACK', CRITICAL: 'ROLLBACK' },
};

/** The row for event types the table does not know. */
export const UNKNOWN_EVENT_ACTION: ResponseAction = 'ALERT';

export function isKnownModelEventType(eventType: string): eventType is KnownModelEventType {
  return (MODEL_EVENT_TYPES as readonly string[]).includes(eventType);
}

/** The table's answer and a reason fragment saying which cell gave it. */
export interface TableLookup {
  action: ResponseAction;
  explanation: string;
}

/** Looks up the action for an event type and severity; unknown types get ALERT. */
export function lookupActionTable(eventType: string, severity: Severity): TableLookup {
  if (!isKnownModelEventType(eventType)) {
    return {
      action: UNKNOWN_EVENT_ACTION,
      explanation: `event type '${clipText(eventType)}' is not in the action table → ${UNKNOWN_EVENT_ACTION}`,
    };
  }
  const action = ACTION_TABLE[eventType][severity];
  return { action, explanation: `table ${eventType} × ${severity} → ${action}` };
}

/** An explicit RETRAIN/ROLLBACK request on a degradation event, which wins over the table. */
export function explicitActionRequest(event: ModelEvent): 'RETRAIN' | 'ROLLBACK' | undefined {
  if (!isDegradationEvent(event)) return undefined;
  const requested: DegradationEvent['action_required'] = event.action_required;
  return requested === 'RETRAIN' || requested === 'ROLLBACK' ? requested : undefined;
}
