import type { EvaluationSettings } from '../../domain/evaluation/evaluation-settings';
import { judgeCandidate, type Verdict } from '../../domain/evaluation/judge-candidate';
import { alertPriorityFor } from '../../domain/policy';
import { deployment, evaluation } from './activities';
import {
  ActionFailed,
  type ActionRequest,
  type ActionResult,
  describeFailure,
  describeTraining,
  runTraining,
  sendAlertSafely,
} from './run-action';
import { guardianAlertTitle } from '../../domain/alerting/guardian-alert-titles';

/** The patch that added evaluation and promotion to the RETRAIN child (runs begun before it only train). */
export const EVALUATE_PROMOTE_PATCH = 'retrain-evaluate-promote';

/**
 * RETRAIN with evaluation: train, measure the candidate and the champion, judge them in the
 * workflow (so the verdict is in its history), then promote or keep the champion and alert with
 * the numbers. Returns the line the guardian's history and audit trail show (with the promotion,
 * which the guardian then watches); throws ActionFailed
 * (the caller alerts) when training fails or the candidate cannot be measured: the champion stays.
 */
export async function retrainEvaluateAndPromote(
  request: ActionRequest,
  settings: EvaluationSettings,
): Promise<ActionResult> {
  const trained = await step('RETRAIN failed', () => runTraining(request));
  const training = describeTraining(trained);
  const candidateVersion = trained.newVersion;
  if (!candidateVersion) {
    throw new ActionFailed(
      `${training}, but the job reported no new version: nothing to evaluate, the serving version stays`,
    );
  }

  const measured = await step(`${training}; evaluation failed, the serving version stays`, () =>
    evaluation.measureCandidate.executeWithOptions(
      { summary: `evaluate ${request.modelName} version ${candidateVersion} on ${settings.metric}` },
      [
        {
          modelName: request.modelName,
          metric: settings.metric,
          candidateVersion,
          trainingJobId: trained.jobId,
          triggeringEventId: request.triggeringEventId,
        },
      ],
    ),
  );
  const verdict = judgeCandidate(settings, measured);

  if (verdict.pass) {
    const promoted = await step(`${training}; ${verdict.summary}; promotion failed`, () =>
      deployment.promoteModel.executeWithOptions(
        { summary: `promote ${request.modelName} version ${candidateVersion} (${settings.metric} passed)` },
        [
          {
            modelName: request.modelName,
            toVersion: candidateVersion,
            reason: `evaluation passed: ${verdict.summary}`,
            triggeringEventId: request.triggeringEventId,
            verdict,
          },
        ],
      ),
    );
    const from = promoted.fromVersion ? `from version ${promoted.fromVersion} ` : '';
    return {
      result: `${training}; ${verdict.summary}; promoted ${from}to version ${promoted.toVersion}`,
      promotion: promoted.fromVersion
        ? { fromVersion: promoted.fromVersion, toVersion: promoted.toVersion }
        : { toVersion: promoted.toVersion },
    };
  }

  const alert = await sendAlertSafely(rejectionAlert(request, verdict));
  const alerted = alert.ok ? 'rejection alert sent' : `rejection alert could not be sent: ${alert.error}`;
  return `${training}; ${verdict.summary}; candidate rejected, version ${verdict.championVersion} keeps serving; ${alerted}`;
}

/** The alert of a candidate that did not beat the champion: the numbers a person needs to decide what next. */
function rejectionAlert(request: ActionRequest, verdict: Verdict) {
  return {
    alertId: `${request.id}:evaluation-rejected`,
    modelName: request.modelName,
    title: guardianAlertTitle.rejection(request.modelName, verdict.candidateVersion, verdict.metric),
    message:
      `${verdict.summary}.\nThe champion (version ${verdict.championVersion}) keeps serving.\n` +
      `Decision: ${request.reason}`,
    priority: alertPriorityFor(request.severity),
    time: new Date(Date.now()).toISOString(),
    sourceEvent: request.sourceEvent,
  };
}

/** Runs one step; an activity failure becomes an ActionFailed that says which step and why. */
async function step<T>(failedWhat: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ActionFailed) throw err;
    const failure = describeFailure(err);
    throw new ActionFailed(`${failedWhat}: ${failure.message}`, failure.type);
  }
}
