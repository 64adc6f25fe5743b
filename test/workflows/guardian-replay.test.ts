import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { WORKFLOWS_PATH } from '../helpers/guardian-workflow';
import { workflowBundle } from '../helpers/workflow-bundle';
import { HISTORY_FIXTURES_DIR } from '../helpers/guardian-replay';

/**
 * Guardian histories recorded by earlier runs of the workflow tests (test/fixtures/histories,
 * refreshed with RECORD_GUARDIAN_HISTORIES=1) replayed against today's workflow code: a change
 * that would break guardians already running in production fails here, and needs `patched()`.
 * Files numbered from 101 were recorded before the 'guardian-batched-writes' patch (one audit
 * activity per decision) and stay, so runs begun before it keep replaying. Files numbered from
 * 301 were recorded with the 'guardian-bounded-state' patch; those below 100 before it.
 * `guardian-watch-*` were recorded with the 'guardian-promotion-watch' patch: a promotion under
 * watch, its rollback, its end by timer, and a watch carried across continue-as-new.
 * `guardian-approval-*` were recorded before the 'guardian-approval-request-ids' patch (random
 * request ids, answered by those ids); `guardian-approval-ids-*` with it.
 * `guardian-promotion-approval-*` were recorded with the 'guardian-watch-search-attribute' patch: a
 * promotion held for approval (PROMOTION_MODE=approval), approved, watched and ended.
 */

jest.setTimeout(120_000);

const files = fs.existsSync(HISTORY_FIXTURES_DIR)
  ? fs
      .readdirSync(HISTORY_FIXTURES_DIR)
      .filter((f) => f.startsWith('guardian-') && f.endsWith('.json'))
      .sort()
  : [];

describe('guardian history fixtures', () => {
  it('are present: pause/resume, forced actions, dry-run, continue-as-new, maintenance window, failures, idle end, recall, promotion watch, approval, promotion approval', () => {
    const kinds = new Set(files.map((f) => f.replace(/-\d+\.json$/, '')));
    expect([...kinds].sort()).toEqual([
      'guardian-actions',
      'guardian-approval',
      'guardian-approval-ids',
      'guardian-lifecycle',
      'guardian-memory',
      'guardian-promotion-approval',
      'guardian-time',
      'guardian-watch',
    ]);
  });

  it('replay without non-determinism against the current workflow code', async () => {
    const histories = files.map((file) => {
      const json = JSON.parse(fs.readFileSync(path.join(HISTORY_FIXTURES_DIR, file), 'utf8')) as unknown;
      const history = historyFromJSON(json);
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      // The guardian derives its retrain children's ids from its own workflow id.
      const modelName = (
        JSON.parse(Buffer.from(started!.input!.payloads![0].data!).toString()) as { modelName: string }
      ).modelName;
      return { workflowId: guardianWorkflowId(modelName), history, file };
    });
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(WORKFLOWS_PATH), replayName: 'guardian-fixtures' },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
