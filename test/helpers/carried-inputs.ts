import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { GuardianRunInput } from '../../src/contracts/guardian-messages';
import type { GuardianUnderTest } from './guardian-workflow';

type History = temporal.api.history.v1.IHistory;
type ContinuedAsNew = temporal.api.history.v1.IWorkflowExecutionContinuedAsNewEventAttributes;

/** One continue-as-new of a guardian: the input's size as Temporal stores it, and the input. */
export interface CarriedInput {
  runId: string;
  /** Bytes of the input payloads (what Temporal checks against its payload limit). */
  bytes: number;
  input: GuardianRunInput;
}

/** One run of a guardian and its history. */
export interface GuardianRun {
  workflowId: string;
  runId: string;
  history: History;
}

/**
 * A client for reading histories of hostile streams: a page of such a history (events of tens of
 * kilobytes, a thousand to a page) is larger than gRPC's default 4 MiB message limit.
 */
export async function historyReader(
  address: string,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({
    address,
    channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
  });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** Every run of a guardian from its first, following continue-as-new. */
export async function guardianRuns(client: Client, g: GuardianUnderTest): Promise<GuardianRun[]> {
  const runs: GuardianRun[] = [];
  let runId: string | undefined = g.started[0];
  for (let n = 0; runId && n < 200; n++) {
    const history: History = await client.workflow.getHandle(g.handle.workflowId, runId).fetchHistory();
    runs.push({ workflowId: g.handle.workflowId, runId, history });
    const last = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** The continue-as-new input of each run that continued as new. */
export function carriedInputs(runs: GuardianRun[]): CarriedInput[] {
  const inputs: CarriedInput[] = [];
  for (const { runId, history } of runs) {
    const last = history.events?.[history.events.length - 1];
    const continued: ContinuedAsNew | null | undefined = last?.workflowExecutionContinuedAsNewEventAttributes;
    if (!continued) continue;
    const payloads = continued.input?.payloads ?? [];
    inputs.push({
      runId,
      bytes: payloads.reduce((sum: number, p) => sum + (p.data?.length ?? 0), 0),
      input: JSON.parse(Buffer.from(payloads[0]?.data ?? []).toString('utf8')) as GuardianRunInput,
    });
  }
  return inputs;
}
