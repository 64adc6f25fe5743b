import { defineSignal, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { type ActionOutcome, type ActionRequest, carryOut } from './run-action';

/** The outcome of an action run outside the guardian (a retrain), reported back by signal. */
export const actionFinishedSignal = defineSignal<[ActionOutcome]>('guardianActionFinished');

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
      error: err instanceof Error ? err.message : String(err),
    });
  }
  return outcome;
}
