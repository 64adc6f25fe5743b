import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import {
  type AlertRequest,
  NO_STABLE_VERSION_FAILURE,
  type TrainingResult,
} from '../../contracts/guardian-activities';
import type { ActionOutcome } from '../../contracts/guardian-messages';
import { alertPriorityFor, type ResponseAction, type WatchRollback } from '../../domain/policy';
import { errorMessage } from '../../domain/error-message';
import { alerts, deployment, monitoring, operations, training } from './activities';
import { guardianAlertTitle } from '../../domain/alerting/guardian-alert-titles';

/** README "What the guardian does with a decision": MONITOR checks every 30 s for 2 h; SCALE_UP adds two instances, SCALE_DOWN removes one. */
const MONITOR_INTERVAL_SECONDS = 30;
const MONITOR_DURATION_SECONDS = 2 * 60 * 60;
const SCALE_DELTA: Partial<Record<ResponseAction, number>> = { SCALE_UP: 2, SCALE_DOWN: -1 };

/** Everything an action needs, whoever decided it (policy, maintenance window or operator). */
export interface ActionRequest {
  /** The audit id of the decision; alert ids and backend idempotency keys derive from it. */
  id: string;
  /** Handed to the backends: their retries re-attach to the same job/plan by this id. */
  triggeringEventId: string;
  modelName: string;
  modelVersion?: string;
  serviceName?: string;
  action: ResponseAction;
  severity: string;
  priority: 'high' | 'normal';
  reason: string;
  /** ISO-8601 workflow time. */
  decidedAt: string;
  sourceEvent?: Record<string, unknown>;
  /** A ROLLBACK a promotion watch asked for: back to the version the promotion replaced. */
  rollbackTo?: WatchRollback;
}

/** What an action did: its line for the history, and a promotion a retrain made (to watch it). */
export type ActionResult = string | { result: string; promotion?: ActionOutcome['promotion'] };

/** The action could not be carried out (after the activity's retries); the message says why. */
export class ActionFailed extends Error {
  constructor(
    message: string,
    readonly failureType?: string,
  ) {
    super(message);
    this.name = 'ActionFailed';
  }
}

function shortId(id: string): string {
  return id.length > 13 ? id.slice(0, 8) : id;
}

/** Turns an activity failure into the message an operator reads in the history and the alert. */
export function describeFailure(err: unknown): { message: string; type?: string } {
  if (err instanceof ActivityFailure && err.cause) {
    const cause = err.cause;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
    return { message: cause.message, type };
  }
  if (err instanceof ActionFailed) return { message: err.message, type: err.failureType };
  return { message: errorMessage(err) };
}

/** The alert of an ALERT action (README "What the guardian does with a decision": title, formatted message, severity, time, source event). */
export function actionAlert(request: ActionRequest): AlertRequest {
  return {
    alertId: `${request.id}:alert`,
    modelName: request.modelName,
    title: guardianAlertTitle.action(
      request.modelName,
      request.severity,
      String(request.sourceEvent?.event_type ?? 'operator alert'),
    ),
    message: request.reason,
    priority: alertPriorityFor(request.severity),
    time: request.decidedAt,
    sourceEvent: request.sourceEvent,
  };
}

/**
 * The training job of a RETRAIN, followed to its end. Throws ActionFailed when the job failed;
 * activity failures propagate (runAction and the evaluation steps word them).
 */
export async function runTraining(request: ActionRequest): Promise<TrainingResult> {
  const { modelName } = request;
  const result = await training.runTrainingJob.executeWithOptions(
    {
      summary: `RETRAIN ${modelName} (${request.priority} priority, event ${shortId(request.triggeringEventId)})`,
    },
    [
      {
        modelName,
        modelVersion: request.modelVersion,
        reason: request.reason,
        priority: request.priority,
        triggeringEventId: request.triggeringEventId,
      },
    ],
  );
  if (result.status !== 'succeeded') {
    throw new ActionFailed(`training job ${result.jobId} failed${result.detail ? `: ${result.detail}` : ''}`);
  }
  return result;
}

/** A succeeded training job as the history shows it. */
export function describeTraining(result: TrainingResult): string {
  return `training job ${result.jobId} succeeded${result.newVersion ? `, new version ${result.newVersion}` : ''}`;
}

/**
 * Runs one response through its activity and returns a one-line result for the history.
 * Throws ActionFailed when the backend gave up (after retries) or reported a failed job.
 */
export async function runAction(request: ActionRequest): Promise<string> {
  const { modelName, action } = request;
  const tag = `event ${shortId(request.triggeringEventId)}`;
  try {
    switch (action) {
      case 'RETRAIN':
        return describeTraining(await runTraining(request));
      case 'ROLLBACK': {
        const target = request.rollbackTo;
        const result = await deployment.rollbackModel.executeWithOptions(
          {
            summary: target
              ? `ROLLBACK ${modelName} from version ${target.fromVersion} to ${target.toVersion}: promotion watch (${tag})`
              : `ROLLBACK ${modelName} to its previous stable version (${tag})`,
          },
          [
            {
              modelName,
              reason: request.reason,
              triggeringEventId: request.triggeringEventId,
              ...(target ? { toVersion: target.toVersion, fromVersion: target.fromVersion } : {}),
            },
          ],
        );
        return `rolled back from version ${result.fromVersion} to ${result.toVersion}`;
      }
      case 'SCALE_UP':
      case 'SCALE_DOWN': {
        const delta = SCALE_DELTA[action] ?? 0;
        const service = request.serviceName ?? modelName;
        const result = await operations.scaleService.executeWithOptions(
          { summary: `${action} ${service} ${delta > 0 ? '+' : ''}${delta} instances (${tag})` },
          [
            {
              modelName,
              serviceName: request.serviceName,
              delta,
              reason: request.reason,
              triggeringEventId: request.triggeringEventId,
            },
          ],
        );
        if (result.heldBy)
          return `${result.serviceName}: ${result.fromInstances} instances, unchanged; ${result.heldBy}`;
        return `${result.serviceName}: ${result.fromInstances} → ${result.toInstances} instances`;
      }
      case 'ALERT': {
        const alert = actionAlert(request);
        const result = await alerts.sendAlert.executeWithOptions(
          { summary: `ALERT [${alert.priority}] ${alert.title}` },
          [alert],
        );
        return `alert sent to ${result.deliveredTo.join(', ') || 'no channel'}`;
      }
      case 'MONITOR': {
        const result = await monitoring.raiseMonitoring.executeWithOptions(
          { summary: `MONITOR ${modelName} every ${MONITOR_INTERVAL_SECONDS} s for 2 h (${tag})` },
          [
            {
              modelName,
              intervalSeconds: MONITOR_INTERVAL_SECONDS,
              durationSeconds: MONITOR_DURATION_SECONDS,
              reason: request.reason,
              triggeringEventId: request.triggeringEventId,
            },
          ],
        );
        return `monitoring every ${MONITOR_INTERVAL_SECONDS} s until ${result.until}`;
      }
    }
  } catch (err) {
    if (err instanceof ActionFailed) throw err;
    const failure = describeFailure(err);
    if (failure.type === NO_STABLE_VERSION_FAILURE) {
      throw new ActionFailed(`no previous stable version to roll back to: ${failure.message}`, failure.type);
    }
    throw new ActionFailed(`${action} failed: ${failure.message}`, failure.type);
  }
}

/** Sends an alert and returns where it went; never throws (the caller records the outcome). */
export async function sendAlertSafely(
  alert: AlertRequest,
): Promise<{ ok: true; deliveredTo: string[] } | { ok: false; error: string }> {
  try {
    const result = await alerts.sendAlert.executeWithOptions(
      { summary: `ALERT [${alert.priority}] ${alert.title}` },
      [alert],
    );
    return { ok: true, deliveredTo: result.deliveredTo };
  } catch (err) {
    return { ok: false, error: describeFailure(err).message };
  }
}

/**
 * Runs the action (by `run`, runAction unless a caller adds steps); when it fails (after
 * retries) sends a failure alert instead of throwing, so the guardian records a failed decision
 * and keeps going.
 */
export async function carryOut(
  request: ActionRequest,
  run: (request: ActionRequest) => Promise<ActionResult> = runAction,
): Promise<ActionOutcome> {
  try {
    const done = await run(request);
    if (typeof done === 'string') return { id: request.id, status: 'succeeded', result: done };
    return {
      id: request.id,
      status: 'succeeded',
      result: done.result,
      ...(done.promotion ? { promotion: done.promotion } : {}),
    };
  } catch (err) {
    const message = errorMessage(err);
    const alert = await sendAlertSafely({
      alertId: `${request.id}:failure`,
      modelName: request.modelName,
      title: guardianAlertTitle.failure(request.modelName, request.action),
      message: `${message}\nDecision: ${request.reason}`,
      priority: request.severity === 'CRITICAL' ? 'critical' : 'high',
      time: new Date(Date.now()).toISOString(),
      sourceEvent: request.sourceEvent,
    });
    const alerted = alert.ok ? 'failure alert sent' : `failure alert could not be sent: ${alert.error}`;
    return { id: request.id, status: 'failed', result: `${message}; ${alerted}` };
  }
}
