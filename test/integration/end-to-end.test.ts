import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/contracts/workflows';
import type { GuardianStateView } from '../../src/contracts/guardian-messages';
import {
  BridgeTestEnv,
  createBridgeTestEnv,
  degradationEvent,
  driftEvent,
  waitFor,
} from '../helpers/bridge-harness';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { consoleProduce } from '../helpers/kafka-console';
import { uniqueName } from '../helpers/stack';

/**
 * The product's whole path on the real stack: events produced onto real topics (one with
 * Kafka's own console producer), the real bridge, the real guardian workflow and activities,
 * and the outcomes read back from Temporal, PostgreSQL and Kafka.
 */
describe('end to end: Kafka → bridge → guardian → actions', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;
  let alerts: Consumer;
  const alertMessages: KafkaMessage[] = [];

  beforeAll(async () => {
    t = await createBridgeTestEnv({
      env: {
        // Every hour is a business hour, so the outcome does not depend on when the test runs.
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        TRAINING_COMMAND: 'echo "training $MODEL_NAME because $TRAINING_REASON"; echo NEW_MODEL_VERSION=4',
      },
    });
    product = await startProductOnStack(t);

    alerts = t.kafka.consumer({ groupId: uniqueName('e2e-alerts') });
    await alerts.connect();
    await alerts.subscribe({ topic: t.topics.alerts, fromBeginning: true });
    await alerts.run({ eachMessage: async ({ message }) => void alertMessages.push(message) });
  });

  afterAll(async () => {
    await alerts?.disconnect();
    await product?.close();
    // A call the SDK is still retrying when its channel closes throws from a timer; let any
    // retry the loaded machine provoked settle before closing the shared connection.
    await new Promise((r) => setTimeout(r, 3_000));
    await t?.close();
  });

  async function guardianState(modelName: string): Promise<GuardianStateView> {
    return t.temporal.client.workflow
      .getHandle(guardianWorkflowId(modelName))
      .query<GuardianStateView>(GUARDIAN_STATE_QUERY);
  }

  const auditRows = (modelName: string) => product.auditRows(modelName);

  it('retrains on critical drift once, even when the event is delivered twice, and records it', async () => {
    const model = uniqueName('e2e-churn');
    const drift = driftEvent(model, { drift_score: 0.91, severity: 'LOW' });
    const send = () =>
      t.producer.send({ topic: t.topics.drift, messages: [{ key: model, value: JSON.stringify(drift) }] });
    await send();
    await send();

    const state = await waitFor(
      'the retrain to finish',
      () => guardianState(model),
      (s) => s.lastDecisions.some((d) => d.id === drift.event_id && d.status === 'succeeded'),
    );
    const decisions = state.lastDecisions.filter((d) => d.id === drift.event_id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ action: 'RETRAIN', severity: 'CRITICAL', executed: true });
    expect(state.cooldowns.map((c) => c.key)).toContain('data_drift_detected:RETRAIN');

    const rows = await waitFor(
      'the audit row',
      () => auditRows(model),
      (r) => r.length >= 1,
    );
    expect(rows.filter((r) => r.event_id === drift.event_id)).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'RETRAIN', executed: true });

    // Every drift event also raises a drift alert on system.alerts.
    await waitFor(
      'the drift alert',
      async () => alertMessages.filter((m) => m.key?.toString() === model),
      (found) => found.length >= 1,
    );
  });

  it('takes an event from Kafka’s own console producer and puts the next one in the cooldown', async () => {
    const model = uniqueName('e2e-fraud');
    const first = degradationEvent(model, {
      performance_drop: 0.05,
      severity: 'LOW',
      event_id: randomUUID(),
    });
    const second = degradationEvent(model, {
      performance_drop: 0.05,
      severity: 'LOW',
      event_id: randomUUID(),
    });
    // Keyed by model, as our producers do, so both land on one partition in order.
    await consoleProduce(t.topics.degradation, [
      [model, first],
      [model, second],
    ]);

    const state = await waitFor(
      'both decisions',
      () => guardianState(model),
      (s) => [first, second].every((e) => s.lastDecisions.some((d) => d.id === e.event_id)),
    );
    const [a, b] = [first, second].map((e) => state.lastDecisions.find((d) => d.id === e.event_id)!);
    expect(a).toMatchObject({ action: 'MONITOR', executed: true });
    expect(b).toMatchObject({ action: 'MONITOR', executed: false, status: 'skipped' });
    expect(b.reason).toMatch(/cooldown/i);

    const rows = await waitFor(
      'two audit rows',
      () => auditRows(model),
      (r) => r.length === 2,
    );
    // Both may be decided in one workflow task (same decided_at): match the rows by event id.
    const executed = (id: string) => rows.find((r) => r.event_id === id)?.executed;
    expect([executed(first.event_id), executed(second.event_id)]).toEqual([true, false]);
  });
});
