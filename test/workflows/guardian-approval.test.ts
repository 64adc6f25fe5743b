import { WorkflowUpdateFailedError } from '@temporalio/client';
import { AWAITING_APPROVAL } from '../../src/contracts/search-attributes';
import type { ApprovalAnswer, PendingApprovalView } from '../../src/contracts/guardian-messages';
import type { ApprovalSettings } from '../../src/domain/approval/approval-settings';
import {
  approveUpdate,
  pendingApprovalsQuery,
  rejectUpdate,
} from '../../src/workflows/guardian/approval-definitions';
import { eventOfType, systemEvent } from '../unit/policy/model-events';
import {
  ALL_DAY,
  eventually,
  type GuardianUnderTest,
  skipTo,
  useGuardianWorkflowEnv,
} from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * Human approval with a timeout (README "Approval before acting") on the time-skipping server: a
 * ROLLBACK at HIGH waits for `approve` / `reject` or its timeout, while other events are decided
 * as usual, and the request survives continue-as-new.
 */

jest.setTimeout(300_000);

const t = useGuardianWorkflowEnv(async ({ env }) => {
  // Noon UTC: business hours, outside the maintenance window.
  const now = await env.currentTimeMs();
  const noon = new Date(now);
  noon.setUTCHours(12, 0, 0, 0);
  await skipTo(env, noon.getTime() > now ? noon.getTime() : noon.getTime() + 24 * 3600_000);
});

const ROLLBACK_HIGH: ApprovalSettings = {
  required: [{ action: 'ROLLBACK', severity: 'HIGH' }],
  timeoutMinutes: 15,
  timeoutOutcome: 'abandon',
};

function guardian(prefix: string, approval: ApprovalSettings = ROLLBACK_HIGH, eventsPerRun?: number) {
  const g = t.guardian(prefix, { settings: { ...ALL_DAY, approval }, eventsPerRun });
  t.fixtures.push(g);
  return g;
}

/** A HIGH degradation: the table says ROLLBACK. */
function rollbackEvent(g: GuardianUnderTest) {
  return eventOfType('model_performance_degraded', 'HIGH', { model: g.modelName });
}

async function pendingOf(g: GuardianUnderTest, count = 1): Promise<PendingApprovalView[]> {
  return eventually(async () => {
    const pending = await g.handle.query(pendingApprovalsQuery);
    return pending.length === count ? pending : undefined;
  }, `${count} pending approvals of ${g.modelName}`);
}

function answer(g: GuardianUnderTest, verdict: 'approve' | 'reject', args: ApprovalAnswer) {
  return g.handle.executeUpdate(verdict === 'approve' ? approveUpdate : rejectUpdate, { args: [args] });
}

async function awaitingApproval(g: GuardianUnderTest): Promise<unknown> {
  return (await g.handle.describe()).typedSearchAttributes.get(AWAITING_APPROVAL);
}

describe('a decision that needs approval', () => {
  it('waits, asks with an alert, and runs once approved, with who and why in its reason', async () => {
    const g = guardian('approve');
    const event = rollbackEvent(g);
    const waiting = await g.decide(event, t.backends);
    expect(waiting).toMatchObject({ action: 'ROLLBACK', status: 'awaiting-approval', executed: true });
    const [request] = await pendingOf(g);
    expect(waiting.result).toContain(`request ${request.requestId}`);
    expect(request).toMatchObject({
      decisionId: event.event_id,
      action: 'ROLLBACK',
      timeoutOutcome: 'abandon',
    });
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toEqual([]);
    expect(await awaitingApproval(g)).toBe('true');

    const asked = await eventually(
      async () =>
        t.backends
          .callsFor(g.modelName, 'sendAlert')
          .find((c) => c.request.alertId === `${event.event_id}:approval-request`),
      'the approval request alert',
    );
    expect(asked.request.message).toContain(`mlops-guardian approve ${g.modelName} ${request.requestId}`);
    expect(asked.request.message).toContain(`POST /approvals/${g.modelName}/${request.requestId}/approve`);
    expect(asked.request.immediate).toBe(true);

    const result = await answer(g, 'approve', {
      requestId: request.requestId,
      by: 'ana',
      reason: 'checked the dashboards',
    });
    expect(result.pending).toEqual([]);
    const ran = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(ran).toMatchObject({
      origin: 'approval',
      status: 'succeeded',
      action: 'ROLLBACK',
      operator: 'ana',
    });
    expect(ran.reason).toContain('approved by ana: checked the dashboards');
    const rollbacks = t.backends.callsFor(g.modelName, 'rollbackModel');
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0].request.reason).toContain('approved by ana: checked the dashboards');
    expect(await awaitingApproval(g)).toBe('false');
    const original = (await g.history()).find((e) => e.id === event.event_id);
    expect(original?.result).toContain('approved by ana');

    // A finished request cannot be answered again: nothing changes.
    await expect(answer(g, 'approve', { requestId: request.requestId, by: 'ana' })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toHaveLength(1);
  });

  it('turns away an answer to an unknown request or without who, and changes nothing', async () => {
    const g = guardian('validator');
    await g.decide(rollbackEvent(g), t.backends);
    const [request] = await pendingOf(g);
    const before = await g.history();

    const unknown = await answer(g, 'approve', { requestId: 'no-such-request', by: 'ana' }).catch(
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((unknown as WorkflowUpdateFailedError).cause?.message)).toContain(
      `no approval request 'no-such-request' waits on ${g.modelName}`,
    );
    const nobody = await answer(g, 'reject', { requestId: request.requestId, by: '  ' }).catch(
      (e: unknown) => e,
    );
    expect(String((nobody as WorkflowUpdateFailedError).cause?.message)).toContain("'by' is missing");

    expect(await g.history()).toEqual(before);
    expect(await pendingOf(g)).toEqual([request]);
  });

  it('is recorded as rejected and nothing runs when a person rejects it', async () => {
    const g = guardian('reject');
    const event = rollbackEvent(g);
    await g.decide(event, t.backends);
    const [request] = await pendingOf(g);
    await answer(g, 'reject', { requestId: request.requestId, by: 'bo', reason: 'a deploy is in progress' });
    const rejected = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(rejected).toMatchObject({ status: 'rejected', executed: false });
    expect(rejected.reason).toContain('rejected by bo: a deploy is in progress');
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toEqual([]);
    expect(await pendingOf(g, 0)).toEqual([]);
  });

  it.each([
    ['abandon', 'abandoned', 0],
    ['proceed', 'succeeded', 1],
  ] as const)('with nobody answering, applies the timeout outcome %s', async (outcome, status, rollbacks) => {
    const g = guardian(`timeout-${outcome}`, { ...ROLLBACK_HIGH, timeoutOutcome: outcome });
    const event = rollbackEvent(g);
    await g.decide(event, t.backends);
    const [request] = await pendingOf(g);
    await skipTo(t.env, Date.parse(request.expiresAt) + 1_000);
    const ended = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(ended.status).toBe(status);
    expect(ended.reason).toContain(`no answer within 15 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=${outcome}`);
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toHaveLength(rollbacks);
    expect(await pendingOf(g, 0)).toEqual([]);
  });

  it('decides other events meanwhile; the waiting ROLLBACK holds its cooldown', async () => {
    const g = guardian('meanwhile');
    await g.decide(rollbackEvent(g), t.backends);
    await pendingOf(g);
    const overload = await g.decide(systemEvent('system_overload', { model: g.modelName }), t.backends);
    expect(overload).toMatchObject({ action: 'SCALE_UP', status: 'succeeded' });
    // The waiting ROLLBACK counted when decided, as a retrain deferred to the window does.
    const again = await g.decide(rollbackEvent(g), t.backends);
    expect(again.status).toBe('skipped');
    expect(again.reason).toContain('cooldown model_performance_degraded:ROLLBACK');
    expect(await pendingOf(g)).toHaveLength(1);
    expect(t.backends.callsFor(g.modelName, 'scaleService')).toHaveLength(1);
  });

  it('keeps waiting across continue-as-new, and runs in a later run once approved', async () => {
    const g = guardian('carried', ROLLBACK_HIGH, 1);
    const event = rollbackEvent(g);
    await g.send(event);
    await g.waitUntilQuiet(t.backends, 1);
    await g.send(systemEvent('gpu_hot', { model: g.modelName }));
    await g.waitUntilQuiet(t.backends, 2);
    const state = await g.state();
    expect(state.run).toBeGreaterThanOrEqual(2);
    expect(state.pendingApprovals).toHaveLength(1);
    const [request] = state.pendingApprovals!;
    expect(request.decisionId).toBe(event.event_id);

    await answer(g, 'approve', { requestId: request.requestId, by: 'cy' });
    const ran = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(ran.status).toBe('succeeded');
    expect(ran.reason).toContain('approved by cy (request');
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toHaveLength(1);
  });

  it('names the request after the decision, so a person or simulate can name it before asking', async () => {
    const g = guardian('request-id');
    const event = { ...rollbackEvent(g), event_id: `deploy 7/${g.modelName}` };
    const waiting = await g.decide(event, t.backends);
    const [request] = await pendingOf(g);
    expect(request.requestId).toBe(`approval:${event.event_id}`);
    expect(waiting.result).toContain(`request approval:${event.event_id},`);
    const asked = await eventually(
      async () =>
        t.backends
          .callsFor(g.modelName, 'sendAlert')
          .find((c) => c.request.alertId === `${event.event_id}:approval-request`),
      'the approval request alert',
    );
    // The id came from the producer: quoted for the shell, encoded for the URL path.
    expect(asked.request.message).toContain(
      `mlops-guardian approve ${g.modelName} 'approval:deploy 7/${g.modelName}' --by NAME`,
    );
    expect(asked.request.message).toContain(
      `POST /approvals/${g.modelName}/approval:deploy%207%2F${g.modelName}/approve`,
    );
    await answer(g, 'reject', { requestId: request.requestId, by: 'dee' });
    const ended = await g.waitForEntry(`${event.event_id}:approval`, t.backends);
    expect(ended.reason).toContain(`rejected by dee (request approval:${event.event_id})`);
  });

  it('leaves actions that need no approval as they were', async () => {
    const g = guardian('not-named');
    const medium = eventOfType('model_performance_degraded', 'CRITICAL', { model: g.modelName });
    const entry = await g.decide(medium, t.backends);
    expect(entry).toMatchObject({ action: 'ROLLBACK', status: 'succeeded' });
    expect(await g.handle.query(pendingApprovalsQuery)).toEqual([]);
  });
});

describe('replay', () => {
  // Recorded as guardian-approval-ids-*.json: with the request-ids patch. The guardian-approval-*
  // fixtures were recorded before it, with random ids, and must keep replaying as they ran.
  it('replays every history recorded above without non-determinism', async () => {
    await replayAll(t.env, t.guardians, { name: 'guardian-approval-ids', guardians: t.fixtures });
  });
});
