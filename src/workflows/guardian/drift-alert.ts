import type { AlertRequest } from '../../contracts/guardian-activities';
import type { DriftEvent } from '../../domain/events';
import { alertPriorityFor, type ResponseDecision } from '../../domain/policy';
import { guardianAlertTitle } from '../../domain/alerting/guardian-alert-titles';

/** The drift alert every drift event publishes, whatever the response (README "The policy"). */
export function driftAlert(modelName: string, event: DriftEvent, decision: ResponseDecision): AlertRequest {
  const features = event.affected_features;
  const shown = features.slice(0, 10).join(', ') + (features.length > 10 ? ', …' : '');
  const response =
    decision.outcome === 'skip'
      ? `${decision.action} skipped`
      : decision.outcome === 'defer'
        ? 'RETRAIN scheduled'
        : decision.action;
  return {
    alertId: `${event.event_id}:drift`,
    modelName,
    title: guardianAlertTitle.drift(modelName, decision.severity),
    message:
      `drift score ${event.drift_score} on ${features.length} feature(s)${shown ? ` (${shown})` : ''}; ` +
      `response: ${response}. ${decision.reason}`,
    priority: alertPriorityFor(decision.severity),
    time: new Date(decision.decidedAt).toISOString(),
    sourceEvent: event as unknown as Record<string, unknown>,
  };
}
