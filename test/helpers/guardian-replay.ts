import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { GuardianUnderTest } from './guardian-workflow';
import { WORKFLOWS_PATH } from './guardian-workflow';
import { workflowBundle } from './workflow-bundle';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Guardian histories kept in the repository: replayed by guardian-replay.test.ts after every change. */
export const HISTORY_FIXTURES_DIR = path.resolve(__dirname, '../fixtures/histories');

interface RecordedRun {
  workflowId: string;
  history: History;
}

/** Every run of a guardian: the chain from its first run through each continue-as-new, plus the current one. */
async function runsOf(env: TestWorkflowEnvironment, g: GuardianUnderTest): Promise<RecordedRun[]> {
  const runs: RecordedRun[] = [];
  const runIds: string[] = [];
  let runId: string | undefined = g.started[0];
  for (let n = 0; runId && n < 100; n++) {
    runIds.push(runId);
    const history: History = await env.client.workflow.getHandle(g.handle.workflowId, runId).fetchHistory();
    // The real workflow id: the guardian derives child workflow ids from it.
    runs.push({ workflowId: g.handle.workflowId, history });
    const last: HistoryEvent | undefined = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  const current = (await g.handle.describe()).runId;
  if (!runIds.includes(current))
    runs.push({ workflowId: g.handle.workflowId, history: await g.handle.fetchHistory() });
  return runs;
}

/**
 * Replays every run of the given guardians against the current workflow code; any
 * non-determinism fails. With RECORD_GUARDIAN_HISTORIES=1, the runs of `save.guardians` are also
 * written to test/fixtures/histories as `<save.name>-<n>.json`, for the fixture replay test.
 */
export async function replayAll(
  env: TestWorkflowEnvironment,
  guardians: GuardianUnderTest[],
  save?: { name: string; guardians: GuardianUnderTest[] },
): Promise<number> {
  const runs: RecordedRun[] = [];
  for (const g of guardians) runs.push(...(await runsOf(env, g)));
  expect(runs.length).toBeGreaterThanOrEqual(guardians.length);

  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(WORKFLOWS_PATH), replayName: 'guardian' },
    runs,
  )) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(runs.length);

  if (save && process.env.RECORD_GUARDIAN_HISTORIES === '1') {
    fs.mkdirSync(HISTORY_FIXTURES_DIR, { recursive: true });
    let n = 0;
    for (const g of save.guardians) {
      for (const run of await runsOf(env, g)) {
        const file = path.join(HISTORY_FIXTURES_DIR, `${save.name}-${++n}.json`);
        fs.writeFileSync(file, `${historyToJSON(run.history as temporal.api.history.v1.History)}\n`);
      }
    }
  }
  return runs.length;
}
