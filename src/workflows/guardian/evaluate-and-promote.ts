import { patched } from '@temporalio/workflow';
import type { PromotionAnswer } from '../../contracts/guardian-messages';
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
import { awaitPromotionApproval, PROMOTION_APPROVAL_PATCH } from './promotion-approval';

/** The patch that added evaluation and promotion to the RETRAIN child (runs begun before it only train). */
export const EVALUATE_PROMOTE_PATCH = 'retrain-evaluate-promote';

/**
 * RETRAIN with evaluation: train, measure the candidate and the champion, judge them in the
 * workflow (so the verdict is in its history), then promote or keep the champion and alert with
 * the numbers. With PROMOTION_MODE=approval a passed candidate first waits for a person
 * (through the guardian, `guardianWorkflowId`). Returns the line the guardian's history and audit trail show (with the promotion,
 * which the guardian then watches); throws ActionFailed
 * (the caller alerts) when training fails or the candidate cannot be measured: the champion stays.
 */
export async function retrainEvaluateAndPromote(
  request: ActionRequest,
  settings: EvaluationSettings,
  guardianWorkflowId?: string,
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
    let approved = '';
    if (settings.promotion === 'approval' && guardianWorkflowId && patched(PROMOTION_APPROVAL_PATCH)) {
      const answer = await awaitPromotionApproval(guardianWorkflowId, request, verdict, settings.approval);
      if (!answer.promote) return keepChampion(request, training, verdict, answer);
      approved = `; ${answer.said}`;
    }
    const promoted = await step(`${training}; ${verdict.summary}; promotion failed`, () =>
      deployment.promoteModel.executeWithOptions(
        { summary: `promote ${request.modelName} version ${candidateVersion} (${settings.metric} passed)` },
        [
          {
            modelName: request.modelName,
            toVersion: candidateVersion,
            reason: `evaluation passed: ${verdict.summary}${approved}`,
            triggeringEventId: request.triggeringEventId,
            verdict,
          },
        ],
      ),
    );
    const from = promoted.fromVersion ? `from version ${promoted.fromVersion} ` : '';
    return {
      result: `${training}; ${verdict.summary}${approved}; promoted ${from}to version ${promoted.toVersion}`,
      promotion: promoted.fromVersion
        ? { fromVersion: promoted.fromVersion, toVersion: promoted.toVersion }
        : { toVersion: promoted.toVersion },
    };
  }

  const alert = await sendAlertSafely(rejectionAlert(request, verdict));
  const alerted = alert.ok ? 'rejection alert sent' : `rejection alert could not be sent: ${alert.error}`;
  return `${training}; ${verdict.summary}; candidate rejected, version ${verdict.championVersion} keeps serving; ${alerted}`;
}

/**
 * A passed candidate that a person rejected, or nobody approved in time: the champion stays. A
 * rejection was the person's own call; a request nobody answered gets an alert with the numbers.
 */
async function keepChampion(
  request: ActionRequest,
  training: string,
  verdict: Verdict,
  answer: PromotionAnswer,
): Promise<string> {
  const serving = verdict.championVersion
    ? `version ${verdict.championVersion} keeps serving`
    : 'the serving version stays';
  const line = `${training}; ${verdict.summary}; not promoted, ${answer.said}; ${serving}`;
  if (answer.outcome === 'rejected') return line;
  const alert = await sendAlertSafely({
    alertId: `${request.id}:promotion-abandoned`,
    modelName: request.modelName,
    title: `Promotion of ${request.modelName} version ${verdict.candidateVersion} abandoned: nobody approved it`,
    message:
      `${verdict.summary}.
The candidate passed, but ${answer.said}.
` +
      `${verdict.championVersion ? `The champion (version ${verdict.championVersion}) keeps serving.` : 'The serving version stays.'}
` +
      `Decision: ${request.reason}`,
    priority: alertPriorityFor(request.severity),
    time: new Date(Date.now()).toISOString(),
    sourceEvent: request.sourceEvent,
  });
  return `${line}; ${alert.ok ? 'alert sent' : `alert could not be sent: ${alert.error}`}`;
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
