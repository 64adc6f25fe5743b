import { createGuardianActivities } from '../../src/activities/guardian';
import type { DecisionRecord } from '../../src/contracts/guardian-activities';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { createLogger } from '../../src/logger';
import { BridgeTestEnv, createBridgeTestEnv, driftEvent, waitFor } from '../helpers/bridge-harness';
import { AuditRow, ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

/**
 * A guardian's memory outlives its workflow on the real stack: terminated by an operator, or
 * ended idle (GUARDIAN_IDLE_MINUTES), the next event's guardian rebuilds its cooldowns from the
 * audit trail in PostgreSQL.
 */
jest.setTimeout(300_000);

describe('guardian memory across restarts (Kafka → bridge → guardian → PostgreSQL)', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;

  beforeAll(async () => {
    t = await createBridgeTestEnv({
      env: {
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        TRAINING_COMMAND: 'echo "training $MODEL_NAME"; echo NEW_MODEL_VERSION=2',
        GUARDIAN_IDLE_MINUTES: '1',
      },
    });
    product = await startProductOnStack(t);
  });

  afterAll(async () => {
    await product?.close();
    await new Promise((r) => setTimeout(r, 3_000));
    await t?.close();
  });

  const send = (event: ReturnType<typeof driftEvent>) =>
    t.producer.send({
      topic: t.topics.drift,
      messages: [{ key: event.model_name, value: JSON.stringify(event) }],
    });
  async function rowOf(model: string, eventId: string): Promise<AuditRow> {
    const found = await waitFor(
      `the audit row of ${eventId}`,
      async () => (await product.auditRows(model)).find((r) => r.event_id === eventId),
      (row) => row !== undefined,
      120_000,
    );
    return found!;
  }

  it('keeps the RETRAIN cooldown after an operator terminates the guardian and after it ends idle', async () => {
    const model = uniqueName('recall');
    const handle = t.temporal.client.workflow.getHandle(guardianWorkflowId(model));
    const first = driftEvent(model, { drift_score: 0.91 });
    await send(first);
    expect(await rowOf(model, first.event_id)).toMatchObject({ action: 'RETRAIN', executed: true });

    await handle.terminate('operator reset of the guardian');
    const second = driftEvent(model, { drift_score: 0.91 });
    await send(second);
    const skipped = await rowOf(model, second.event_id);
    expect(skipped).toMatchObject({ action: 'RETRAIN', executed: false });
    expect(skipped.details.status).toBe('skipped');
    expect(skipped.reason).toContain(`started by event ${first.event_id}`);

    // Nothing to do for a minute: the guardian completes; the next event starts a new one.
    await waitFor(
      'the guardian to end idle',
      async () => (await handle.describe()).status.name,
      (status) => status === 'COMPLETED',
      150_000,
    );
    const third = driftEvent(model, { drift_score: 0.91 });
    await send(third);
    const again = await rowOf(model, third.event_id);
    expect(again).toMatchObject({ action: 'RETRAIN', executed: false });
    expect(again.reason).toContain(`started by event ${first.event_id}`);
    expect((await product.auditRows(model)).filter((r) => r.executed)).toHaveLength(1);
  });

  function auditActivities() {
    return createGuardianActivities({
      config: t.config,
      logger: createLogger({ level: 'error', pretty: false }),
      pool: product.pool,
      publisher: { publish: async () => undefined } as never,
    });
  }
  const at = (minute: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + minute * 60_000).toISOString();
  const rowOfModel =
    (model: string) =>
    (
      eventId: string,
      minute: number,
      status: string,
      extra: Partial<DecisionRecord> = {},
    ): DecisionRecord => ({
      modelName: model,
      eventId,
      eventType: 'model_performance_degraded',
      severity: 'HIGH',
      action: 'ROLLBACK',
      executed: status === 'succeeded',
      reason: `reason of ${eventId} `.repeat(100),
      decidedAt: at(minute),
      details: { status, origin: 'event', extraFields: { blob: 'x'.repeat(10_000) } },
      ...extra,
    });

  it('reads back every response since the given time and the newest decisions, cut to what the guardian needs', async () => {
    const model = uniqueName('recall-sql');
    const { recordDecisions, recallDecisions } = auditActivities();
    const row = rowOfModel(model);
    await recordDecisions([
      row('old-response', 0, 'succeeded'),
      row('response', 30, 'failed'),
      ...Array.from({ length: 20 }, (_, i) => row(`skipped-${i}`, 31 + i, 'skipped')),
      row('paused', 52, 'paused'),
    ]);

    const recalled = await recallDecisions({ modelName: model, since: at(10), recentLimit: 3 });
    expect(recalled.map((r) => r.eventId)).toEqual(['response', 'skipped-18', 'skipped-19', 'paused']);
    expect(recalled[0].details).toEqual({ status: 'failed', origin: 'event' });
    expect(recalled[0].reason).toHaveLength(500);
    expect(recalled[0]).toMatchObject({
      eventType: 'model_performance_degraded',
      action: 'ROLLBACK',
      decidedAt: at(30),
    });
  });

  it('reads back the newest deferred retrain of the last two days, and the decision that ended it', async () => {
    const { recordDecisions, recallDecisions } = auditActivities();
    const drift = { eventType: 'data_drift_detected', action: 'RETRAIN', severity: 'MEDIUM' };
    const deferred = (row: ReturnType<typeof rowOfModel>, id: string, minute: number) =>
      row(id, minute, 'scheduled', {
        ...drift,
        details: { status: 'scheduled', origin: 'event', runAt: at(minute + 900) },
      });

    const waiting = uniqueName('recall-window');
    const w = rowOfModel(waiting);
    await recordDecisions([
      deferred(w, 'too-old', -3 * 24 * 60),
      deferred(w, 'medium', -120),
      ...Array.from({ length: 5 }, (_, i) => w(`skipped-${i}`, -100 + i, 'skipped', drift)),
    ]);
    const recalled = await recallDecisions({ modelName: waiting, since: at(0), recentLimit: 2 });
    expect(recalled.map((r) => r.eventId)).toEqual(['medium', 'skipped-3', 'skipped-4']);
    expect(recalled[0].details).toEqual({ status: 'scheduled', origin: 'event', runAt: at(780) });

    const ran = uniqueName('recall-window-ran');
    const r = rowOfModel(ran);
    await recordDecisions([
      deferred(r, 'medium', -600),
      r('medium:window-run', -400, 'paused', {
        ...drift,
        details: { status: 'paused', origin: 'maintenance-window' },
      }),
      ...Array.from({ length: 5 }, (_, i) => r(`skipped-${i}`, -300 + i, 'skipped', drift)),
    ]);
    expect(
      (await recallDecisions({ modelName: ran, since: at(0), recentLimit: 1 })).map((x) => x.eventId),
    ).toEqual(['medium', 'medium:window-run', 'skipped-4']);
  });
});
