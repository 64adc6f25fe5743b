import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
import type { GuardianUnderTest } from './harness';
import { WORKFLOWS_PATH } from './harness';

export const HISTORY_FIXTURES_DIR = path.resolve(__dirname, '../../fixtures/histories');

/**
 * Replays every run of the given guardians (all runs, across continue-as-new) against the
 * current workflow code; any non-determinism fails. With RECORD_GUARDIAN_HISTORIES=1 the
 * histories are also saved as fixtures for the replay test of future code changes.
 */
export async function replayAll(
  env: TestWorkflowEnvironment,
  guardians: GuardianUnderTest[],
  fixturePrefix?: string,
) {
  const histories = [];
  for (const g of guardians) {
    // Follow the chain of runs from the first one through every continue-as-new, then make sure
    // the current run is included (the test server sometimes leaves a continued run's last
    // events out of its history under heavy load, which breaks the chain).
    const runIds: string[] = [];
    let runId: string | undefined = g.started[0];
    for (let n = 0; runId && n < 100; n++) {
      runIds.push(runId);
      const history: History = await env.client.workflow.getHandle(g.handle.workflowId, runId).fetchHistory();
      // The real workflow id: the guardian derives child workflow ids from it.
      histories.push({ workflowId: g.handle.workflowId, history });
      const last: HistoryEvent | undefined = history.events?.[history.events.length - 1];
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    const current = (await g.handle.describe()).runId;
    if (!runIds.includes(current)) {
      histories.push({ workflowId: g.handle.workflowId, history: await g.handle.fetchHistory() });
    }
  }
  expect(histories.length).toBeGreaterThanOrEqual(guardians.length);
  const results = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: WORKFLOWS_PATH, replayName: 'guardian' },
    histories,
  )) {
    results.push(result);
  }
  const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`);
  expect(failures).toEqual([]);
  expect(results).toHaveLength(histories.length);

  if (fixturePrefix && process.env.RECORD_GUARDIAN_HISTORIES === '1') {
    fs.mkdirSync(HISTORY_FIXTURES_DIR, { recursive: true });
    histories.forEach(({ history }, i) => {
      const file = path.join(HISTORY_FIXTURES_DIR, `${fixturePrefix}-${i + 1}.json`);
      fs.writeFileSync(file, JSON.stringify(history, null, 1));
    });
  }
  return histories.length;
}
