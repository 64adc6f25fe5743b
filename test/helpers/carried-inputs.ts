import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { GuardianRunInput } from '../../src/contracts/guardian-messages';
import type { GuardianUnderTest } from './guardian-workflow';

/** One continue-as-new of a guardian: the input's size as Temporal stores it, and the input. */
export interface CarriedInput {
  runId: string;
  /** Bytes of the input payloads (what Temporal checks against its payload limit). */
  bytes: number;
  input: GuardianRunInput;
}

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type ContinuedAsNew = temporal.api.history.v1.IWorkflowExecutionContinuedAsNewEventAttributes;

/** Every continue-as-new input of a guardian, following its runs from the first. */
export async function carriedInputs(
  env: TestWorkflowEnvironment,
  g: GuardianUnderTest,
): Promise<CarriedInput[]> {
  const inputs: CarriedInput[] = [];
  let runId: string | undefined = g.started[0];
  for (let n = 0; runId && n < 200; n++) {
    const history: History = await env.client.workflow.getHandle(g.handle.workflowId, runId).fetchHistory();
    const last: HistoryEvent | undefined = history.events?.[history.events.length - 1];
    const continued: ContinuedAsNew | null | undefined = last?.workflowExecutionContinuedAsNewEventAttributes;
    if (!continued) break;
    const payloads = continued.input?.payloads ?? [];
    const data = payloads[0]?.data;
    inputs.push({
      runId,
      bytes: payloads.reduce((sum: number, p) => sum + (p.data?.length ?? 0), 0),
      input: JSON.parse(Buffer.from(data ?? []).toString('utf8')) as GuardianRunInput,
    });
    runId = continued.newExecutionRunId ?? undefined;
  }
  return inputs;
}
