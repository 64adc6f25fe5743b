import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createProducer } from '../../src/clients/kafka';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';
import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/domain/workflow-contracts';
import { createLogger } from '../../src/logger';
import type { GuardianStateView } from '../../src/workflows/guardian/types';
import type { ServiceContext } from '../../src/workers/service-context';
import { RunningWorker, startWorker } from '../../src/workers/worker';
import {
  BridgeTestEnv,
  createBridgeTestEnv,
  degradationEvent,
  driftEvent,
  startInProcessBridge,
  waitFor,
} from '../helpers/bridge-harness';
import { consoleProduce } from '../helpers/kafka-console';
import { uniqueName } from '../helpers/stack';

/**
 * The product's whole path on the real stack: events produced onto real topics (one with
 * Kafka's own console producer), the real bridge, the real guardian workflow and activities,
 * and the outcomes read back from Temporal, PostgreSQL and Kafka.
 */
describe('end to end: Kafka → bridge → guardian → actions', () => {
  let t: BridgeTestEnv;
  let pool: Pool;
  let worker: RunningWorker;
  let bridge: Awaited<ReturnType<typeof startInProcessBridge>>;
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
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
    const logger = createLogger({ level: 'error', pretty: false });
    const producer = await createProducer(t.kafka);
    const ctx = {
      config: t.config,
      logger,
      endpoints: {
        temporalAddress: process.env.TEMPORAL_ADDRESS!,
        kafkaBrokers: process.env.KAFKA_BROKERS!.split(','),
        databaseUrl: process.env.DATABASE_URL!,
      },
      pool,
      kafka: t.kafka,
      producer,
      publisher: createKafkaEventPublisher(producer),
      temporal: { ...t.temporal, close: async () => undefined },
      close: () => producer.disconnect(),
    } as ServiceContext;
    worker = await startWorker(ctx);
    bridge = await startInProcessBridge(t);

    alerts = t.kafka.consumer({ groupId: uniqueName('e2e-alerts') });
    await alerts.connect();
    await alerts.subscribe({ topic: t.topics.alerts, fromBeginning: true });
    await alerts.run({ eachMessage: async ({ message }) => void alertMessages.push(message) });
  });

  afterAll(async () => {
    await alerts?.disconnect();
    await bridge?.stop();
    await worker?.shutdown();
    await pool?.end();
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

  async function auditRows(modelName: string) {
    const { rows } = await pool.query(
      'SELECT event_id, action, executed, reason FROM guardian_decisions WHERE model_name = $1 ORDER BY decided_at',
      [modelName],
    );
    return rows as Array<{ event_id: string; action: string; executed: boolean; reason: string }>;
  }

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
    expect(rows.map((r) => r.executed)).toEqual([true, false]);
  });
});
