import type { TimelineAlarm } from '../alerting/alarm-timeline';
import { alertPriorityFor } from '../policy/actions';
import { guardianAlertTitle } from '../alerting/guardian-alert-titles';

/**
 * The alerts a guardian sends, as `simulate` raises them: the same ids, titles (shared), priorities and
 * labels as the workflow's (src/workflows/guardian: drift-alert.ts, run-action.ts,
 * evaluate-and-promote.ts) once the alert sender has read them (alarmLabels of guardianAlarm).
 * Only what grouping, inhibition and silences look at is modelled; the message text is not.
 */

interface Decided {
  eventId: string;
  modelName: string;
  eventType: string;
  severity: string;
  at: number;
}

/** The labels of a guardian alert: an alert with no source event (a window run) has the kind as event type. */
function labels(modelName: string, severity: string, eventType: string | undefined, action?: string) {
  return {
    model: modelName,
    eventType: eventType ?? 'guardian_alert',
    ...(action ? { action } : {}),
    priority: alertPriorityFor(severity),
    source: 'guardian',
  };
}

/** Every drift event publishes a drift alert, whatever the response; it reports no action. */
export function driftAlarm(d: Decided): TimelineAlarm {
  return {
    id: `${d.eventId}:drift`,
    title: guardianAlertTitle.drift(d.modelName, d.severity),
    labels: labels(d.modelName, d.severity, d.eventType),
    raisedAt: d.at,
  };
}

/** The alert of an executed ALERT decision. */
export function actionAlarm(d: Decided): TimelineAlarm {
  return {
    id: `${d.eventId}:alert`,
    title: guardianAlertTitle.action(d.modelName, d.severity, d.eventType),
    labels: labels(d.modelName, d.severity, d.eventType, 'ALERT'),
    raisedAt: d.at,
  };
}

/** A retrain as it ran: its decision id names its alerts; a window run has no source event. */
export interface RetrainRun {
  decisionId: string;
  modelName: string;
  severity: string;
  sourceEventType?: string;
}

/** A candidate that did not beat the champion: an alert at the decision's priority. */
export function rejectionAlarm(
  run: RetrainRun,
  candidateVersion: string,
  metric: string,
  at: number,
): TimelineAlarm {
  return {
    id: `${run.decisionId}:evaluation-rejected`,
    title: guardianAlertTitle.rejection(run.modelName, candidateVersion, metric),
    labels: labels(run.modelName, run.severity, run.sourceEventType, 'RETRAIN'),
    raisedAt: at,
  };
}

/** A retrain that failed (training, or evaluating the candidate): critical for a CRITICAL decision, else high. */
export function retrainFailureAlarm(run: RetrainRun, at: number): TimelineAlarm {
  const severity = run.severity === 'CRITICAL' ? 'CRITICAL' : 'HIGH';
  return {
    id: `${run.decisionId}:failure`,
    title: guardianAlertTitle.failure(run.modelName, 'RETRAIN'),
    labels: labels(run.modelName, severity, run.sourceEventType, 'RETRAIN'),
    raisedAt: at,
  };
}

/**
 * An approval request: to people at once (immediate), and nothing holds it back (answerNeeded).
 * It reports no action; a window run's has no source event, so its kind is its event type.
 */
export function approvalRequestAlarm(request: {
  decisionId: string;
  modelName: string;
  action: string;
  severity: string;
  sourceEventType?: string;
  at: number;
}): TimelineAlarm {
  return {
    id: `${request.decisionId}:approval-request`,
    title: guardianAlertTitle.approvalRequest(request.modelName, request.action, request.severity),
    labels: labels(request.modelName, request.severity, request.sourceEventType),
    raisedAt: request.at,
    immediate: true,
    answerNeeded: true,
  };
}
