import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { AWAITING_APPROVAL, WATCHING_PROMOTION_UNTIL } from '../../src/contracts/search-attributes';
import type { ApprovalAnswer, PendingApprovalView } from '../../src/contracts/guardian-messages';
import type { EvaluationSettings } from '../../src/domain/evaluation/evaluation-settings';
import {
  approveUpdate,
  pendingApprovalsQuery,
  rejectUpdate,
} from '../../src/workflows/guardian/approval-definitions';
import { driftEvent } from '../unit/policy/model-events';
import {
  ALL_DAY,
  eventually,
  type GuardianUnderTest,
  skipTo,
  useGuardianWorkflowEnv,
  WORKFLOWS_PATH,
} from '../helpers/guardian-workflow';
import { HISTORY_FIXTURES_DIR, replayAll } from '../helpers/guardian-replay';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * Promotion after approval (PROMOTION_MODE=approval) on the time-skipping server: a
 * retrained candidate that passed evaluation waits for a person through its guardian's approval
 * requests — listed as PROMOTE, answered with the same updates and validators, timed out with the
 * same settings — and is promoted (and watched) only when approved or when the timeout proceeds.
 * Also: WatchingPromotionUntil follows the watch that starts with the promotion.
 */

jest.setTimeout(300_000);

const MIN = 60_000;
const t = useGuardianWorkflowEnv();

function approvalEvaluation(timeoutOutcome: 'abandon' | 'proceed' = 'abandon'): EvaluationSettings {
  return {
    metric: 'auc',
    direction: 'higher',
    minImprovement: 0,
    promotion: 'approval',
    approval: { timeoutMinutes: 15, timeoutOutcome },
  };
}

function guardian(prefix: string, timeoutOutcome: 'abandon' | 'proceed' = 'abandon') {
  const g = t.guardian(prefix, {
    settings: { ...ALL_DAY, evaluation: approvalEvaluation(timeoutOutcome), promotionWatchMinutes: 30 },
  });
  t.fixtures.push(g);
  return g;
}

/** Sends a HIGH drift (a retrain at once) and waits until its candidate's promotion waits. */
async function retrainUntilAsked(g: GuardianUnderTest) {
  const event = driftEvent({ model: g.modelName, severity: 'HIGH' });
  await g.send(event);
  const [request] = await eventually(async () => {
    const pending = await g.handle.query(pendingApprovalsQuery);
    return pending.length === 1 ? pending : undefined;
  }, `the promotion request of ${g.modelName}`);
  return { event, request };
}

async function pendingOf(g: GuardianUnderTest): Promise<PendingApprovalView[]> {
  return g.handle.query(pendingApprovalsQuery);
}

function answer(g: GuardianUnderTest, verdict: 'approve' | 'reject', args: ApprovalAnswer) {
  return g.handle.executeUpdate(verdict === 'approve' ? approveUpdate : rejectUpdate, { args: [args] });
}

async function searchAttribute<T>(g: GuardianUnderTest, key: { name: string }): Promise<T | undefined> {
  const described = await g.handle.describe();
  return described.typedSearchAttributes.get(key as typeof AWAITING_APPROVAL) as T | undefined;
}

function retrainWorkflowIdOf(g: GuardianUnderTest, decisionId: string): string {
  return `${g.handle.workflowId}/retrain/${decisionId}`;
}

describe('a candidate that passed evaluation, with PROMOTION_MODE=approval', () => {
  it('waits, asks with an alert, and is promoted and watched once approved', async () => {
    const g = guardian('promote-approve');
    const { event, request } = await retrainUntilAsked(g);
    expect(request).toMatchObject({
      decisionId: event.event_id,
      action: 'PROMOTE',
      severity: 'HIGH',
      timeoutOutcome: 'abandon',
      promotion: { candidateVersion: '11', championVersion: '10' },
    });
    expect(request.reason).toMatch(
      /^PROMOTE version 11 over 10, evaluation auc 0\.9 \(version 11\) vs champion 0\.85 \(version 10\), higher is better: improvement 0\.05/,
    );
    expect(Date.parse(request.expiresAt) - Date.parse(request.requestedAt)).toBe(15 * MIN);
    expect(await searchAttribute(g, AWAITING_APPROVAL)).toBe('true');
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);

    const asked = await eventually(
      async () =>
        t.backends
          .callsFor(g.modelName, 'sendAlert')
          .find((c) => c.request.alertId === `${event.event_id}:approval-request`),
      'the approval request alert',
    );
    expect(asked.request.title).toBe(`Approval needed: promote ${g.modelName} version 11 over version 10`);
    expect(asked.request.message).toContain('auc 0.9 (version 11) vs champion 0.85 (version 10)');
    expect(asked.request.message).toContain('the promotion is abandoned and the serving version stays');
    expect(asked.request.message).toContain(`mlops-guardian approve ${g.modelName} ${request.requestId}`);
    expect(asked.request.message).toContain(`POST /approvals/${g.modelName}/${request.requestId}/approve`);

    const result = await answer(g, 'approve', {
      requestId: request.requestId,
      by: 'ana',
      reason: 'offline metrics look right',
    });
    expect(result.entry).toMatchObject({ action: 'PROMOTE', operator: 'ana', status: 'noted' });
    expect(result.pending).toEqual([]);

    const retrain = await g.waitForEntry(event.event_id, t.backends);
    expect(retrain).toMatchObject({ action: 'RETRAIN', status: 'succeeded', executed: true });
    expect(retrain.result).toContain(
      `passed; approved by ana: offline metrics look right (request ${request.requestId}); promoted from version 10 to version 11; watching version 11 for 30 min`,
    );
    const promotions = t.backends.callsFor(g.modelName, 'promoteModel');
    expect(promotions).toHaveLength(1);
    expect(promotions[0].request).toMatchObject({ toVersion: '11' });
    expect(promotions[0].request.reason).toContain('approved by ana');
    const approval = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(approval.reason).toContain('approved by ana: offline metrics look right');
    expect(await searchAttribute(g, AWAITING_APPROVAL)).toBe('false');

    // The watch that follows the promotion is on the guardian's search attributes until it ends.
    const watch = (await g.state()).promotionWatch!;
    const shown = await eventually(
      async () => searchAttribute<Date>(g, WATCHING_PROMOTION_UNTIL),
      'WatchingPromotionUntil set',
    );
    expect(shown.toISOString()).toBe(new Date(watch.until).toISOString());
    await skipTo(t.env, Date.parse(watch.until) + 1_000);
    await g.waitForEntry(`${event.event_id}:watch-ended`, t.backends);
    await eventually(
      async () => ((await searchAttribute(g, WATCHING_PROMOTION_UNTIL)) === undefined ? true : undefined),
      'WatchingPromotionUntil cleared',
    );
  });

  it('keeps the champion when a person rejects it, with who and why in the audit trail', async () => {
    const g = guardian('promote-reject');
    const { event, request } = await retrainUntilAsked(g);
    await answer(g, 'reject', { requestId: request.requestId, by: 'bo', reason: 'holiday traffic' });

    const rejected = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(rejected).toMatchObject({
      action: 'PROMOTE',
      status: 'rejected',
      operator: 'bo',
      executed: false,
    });
    expect(rejected.reason).toContain('rejected by bo: holiday traffic');
    expect(rejected.result).toBe('rejected: version 11 is not promoted, version 10 keeps serving');
    const audited = t.backends
      .callsFor(g.modelName, 'recordDecision')
      .find((c) => c.request.eventId === `${event.event_id}:approval`);
    expect(JSON.stringify(audited?.request)).toContain('rejected by bo: holiday traffic');

    const retrain = await g.waitForEntry(event.event_id, t.backends);
    expect(retrain.result).toMatch(
      /passed; not promoted, rejected by bo: holiday traffic \(request .+\); version 10 keeps serving$/,
    );
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);
    expect((await g.state()).promotionWatch).toBeUndefined();
    expect(await pendingOf(g)).toEqual([]);
  });

  it('keeps the champion and alerts with the numbers when nobody answers (abandon)', async () => {
    const g = guardian('promote-abandon', 'abandon');
    const { event, request } = await retrainUntilAsked(g);
    await skipTo(t.env, Date.parse(request.expiresAt) + 1_000);

    const retrain = await g.waitForEntry(event.event_id, t.backends);
    expect(retrain.result).toMatch(
      /not promoted, no answer within 15 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=abandon \(request .+\); version 10 keeps serving; alert sent$/,
    );
    const ended = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(ended).toMatchObject({ status: 'abandoned', action: 'PROMOTE' });
    const alert = t.backends
      .callsFor(g.modelName, 'sendAlert')
      .find((c) => c.request.alertId === `${event.event_id}:promotion-abandoned`);
    expect(alert?.request.message).toContain('auc 0.9 (version 11) vs champion 0.85 (version 10)');
    expect(alert?.request.message).toContain('The champion (version 10) keeps serving.');
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);
  });

  it('promotes when nobody answers and the timeout outcome is proceed', async () => {
    const g = guardian('promote-proceed', 'proceed');
    const { event, request } = await retrainUntilAsked(g);
    await skipTo(t.env, Date.parse(request.expiresAt) + 1_000);

    const retrain = await g.waitForEntry(event.event_id, t.backends);
    expect(retrain.result).toContain(
      `passed; no answer within 15 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=proceed (request ${request.requestId}); promoted from version 10 to version 11`,
    );
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toHaveLength(1);
    expect((await g.state()).promotionWatch).toMatchObject({ toVersion: '11', fromVersion: '10' });
  });

  it('turns away an unknown request, an empty `by` and a second answer, and changes nothing', async () => {
    const g = guardian('promote-validator');
    const { request } = await retrainUntilAsked(g);
    const before = await g.history();

    const unknown = await answer(g, 'approve', { requestId: 'no-such-request', by: 'ana' }).catch(
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((unknown as WorkflowUpdateFailedError).cause?.message)).toContain(
      `no approval request 'no-such-request' waits on ${g.modelName}`,
    );
    const nobody = await answer(g, 'approve', { requestId: request.requestId, by: ' ' }).catch(
      (e: unknown) => e,
    );
    expect(String((nobody as WorkflowUpdateFailedError).cause?.message)).toContain("'by' is missing");
    expect(await g.history()).toEqual(before);
    expect(await pendingOf(g)).toEqual([request]);
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);

    await answer(g, 'reject', { requestId: request.requestId, by: 'cy' });
    await expect(answer(g, 'approve', { requestId: request.requestId, by: 'cy' })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    await g.waitForEntry(request.decisionId, t.backends);
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);
  });
});

/** The retrain child that waited for approval in the first test, kept as a replay fixture. */
const CHILD_FIXTURE = path.join(HISTORY_FIXTURES_DIR, 'retrain-promotion-approval-1.json');

describe('replay', () => {
  it('replays the guardians and their retrain children above, and the saved children', async () => {
    await replayAll(t.env, t.guardians, {
      name: 'guardian-promotion-approval',
      guardians: t.fixtures.slice(0, 1),
    });
    const children = await Promise.all(
      t.guardians.map(async (g) => {
        const retrain = (await g.history()).find((e) => e.action === 'RETRAIN')!;
        const workflowId = retrainWorkflowIdOf(g, retrain.id);
        return {
          workflowId,
          history: await t.env.client.workflow.getHandle(workflowId).fetchHistory(),
        };
      }),
    );
    if (process.env.RECORD_GUARDIAN_HISTORIES === '1')
      fs.writeFileSync(
        CHILD_FIXTURE,
        `${historyToJSON(children[0].history as temporal.api.history.v1.History)}\n`,
      );
    const saved = historyFromJSON(JSON.parse(fs.readFileSync(CHILD_FIXTURE, 'utf8')) as unknown);
    const failures: string[] = [];
    for await (const replayed of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(WORKFLOWS_PATH), replayName: 'retrain-promotion-approval' },
      [...children, { workflowId: 'saved-retrain-promotion-approval', history: saved }],
    )) {
      if (replayed.error) failures.push(`${replayed.workflowId}: ${String(replayed.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
