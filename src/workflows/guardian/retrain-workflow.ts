import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { errorMessage } from '../../domain/error-message';
import { actionFinishedSignal } from './definitions';
import { type ActionRequest, carryOut } from './run-action';
import type { ActionOutcome } from '../../contracts/guardian-messages';

export interface RetrainInput {
  /** The guardian to report to (by workflow id: it reaches whichever run is current). */
  guardianWorkflowId: string;
  request: ActionRequest;
}

/**
 * RETRAIN for one guardian decision, as a child workflow: training runs for hours, and the
 * guardian must stay free to continue-as-new meanwhile. Reports the outcome to the guardian.
 */
export async function modelRetrainWorkflow(input: RetrainInput): Promise<ActionOutcome> {
  const outcome = await carryOut(input.request);
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
