import { getExternalWorkflowHandle, log, patched } from '@temporalio/workflow';
import type { EvaluationSettings } from '../../domain/evaluation/evaluation-settings';
import { errorMessage } from '../../domain/error-message';
import { actionFinishedSignal } from './definitions';
import { EVALUATE_PROMOTE_PATCH, retrainEvaluateAndPromote } from './evaluate-and-promote';
import { type ActionRequest, carryOut } from './run-action';
import type { ActionOutcome } from '../../contracts/guardian-messages';

export interface RetrainInput {
  /** The guardian to report to (by workflow id: it reaches whichever run is current). */
  guardianWorkflowId: string;
  request: ActionRequest;
  /** The guardian's evaluation settings; absent (the default): the retrain ends when training does. */
  evaluation?: EvaluationSettings;
}

/**
 * RETRAIN for one guardian decision, as a child workflow: training runs for hours, and the
 * guardian must stay free to continue-as-new meanwhile. With evaluation settings it then judges
 * the candidate and promotes it or keeps the champion. Reports the outcome to the guardian.
 */
export async function modelRetrainWorkflow(input: RetrainInput): Promise<ActionOutcome> {
  const { evaluation } = input;
  // Only runs that ask for evaluation take the new path (and mark their history with the patch).
  const outcome =
    evaluation && patched(EVALUATE_PROMOTE_PATCH)
      ? await carryOut(input.request, (request) =>
          retrainEvaluateAndPromote(request, evaluation, input.guardianWorkflowId),
        )
      : await carryOut(input.request);
  try {
    await getExternalWorkflowHandle(input.guardianWorkflowId).signal(actionFinishedSignal, outcome);
  } catch (err) {
    // The guardian is gone (terminated by an operator): the outcome stays in this workflow's result.
    log.warn('could not report the retrain to its guardian', {
      guardianWorkflowId: input.guardianWorkflowId,
      error: errorMessage(err),
    });
  }
  return outcome;
}
