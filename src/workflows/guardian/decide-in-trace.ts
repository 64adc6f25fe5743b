import type { GuardianCarriedState } from '../../contracts/guardian-messages';
import type { ModelEvent } from '../../domain/events';
import { inEventTrace } from '../tracing/event-traces';

/**
 * Decides one event inside the trace it arrived with (when it came with one): the span
 * `Decide:modelGuardianWorkflow`, whose children are the audit write and the action the decision
 * started. Its attributes say what was decided, as the history entry has it.
 */
export function decideInEventTrace(event: ModelEvent, state: GuardianCarriedState, decide: () => void): void {
  const attributes = {
    'mlops.event_id': event.event_id,
    'mlops.event_type': event.event_type,
    'mlops.model_name': event.model_name,
  };
  inEventTrace(event.event_id, 'Decide:modelGuardianWorkflow', attributes, (span) => {
    decide();
    if (!span) return;
    // A decision enters the history as its newest entry; none means the event was a duplicate.
    const entry = state.history[state.history.length - 1];
    if (entry?.id !== event.event_id) return span.setAttribute('mlops.duplicate', true);
    span.setAttributes({
      'mlops.action': entry.action,
      'mlops.severity': entry.severity,
      'mlops.decision_status': entry.status,
    });
  });
}
