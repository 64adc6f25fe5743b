import { WorkflowNotFoundError } from '@temporalio/client';
import { guardianShardOf, guardianShardWorkflowId } from '../../src/contracts/guardian-shards';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { modelGuardianStateQuery, shardSummaryQuery } from '../../src/workflows/guardian/shard-definitions';
import { BridgeTestEnv, createBridgeTestEnv, driftEvent, waitFor } from '../helpers/bridge-harness';
import { AuditRow, ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

/**
 * GUARDIAN_SHARDS on the real stack: Kafka → bridge → guardian shards → PostgreSQL. Each model's
 * events reach its shard, are decided with its own cooldowns, its retrain child reports back to
 * the shard, and a worker restart (the shard replayed from its history) keeps all of it.
 */
jest.setTimeout(300_000);

const SHARDS = 3;

describe('guardian shards (Kafka → bridge → shard → PostgreSQL)', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;

  beforeAll(async () => {
    t = await createBridgeTestEnv({
      env: {
        GUARDIAN_SHARDS: String(SHARDS),
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        TRAINING_COMMAND: 'echo "training $MODEL_NAME"; echo NEW_MODEL_VERSION=2',
      },
    });
    product = await startProductOnStack(t);
  });

  afterAll(async () => {
    // Shards never end by themselves: stop this file's, so nothing polls a queue no worker serves.
    for (let shard = 0; shard < SHARDS; shard++) {
      await t?.temporal.client.workflow
        .getHandle(guardianShardWorkflowId(shard))
        .terminate('end of the guardian shards test')
        .catch(() => undefined);
    }
    await product?.close();
    await t?.close();
  });

  const send = (events: Array<ReturnType<typeof driftEvent>>) =>
    t.producer.send({
      topic: t.topics.drift,
      messages: events.map((e) => ({ key: e.model_name, value: JSON.stringify(e) })),
    });
  async function rowOf(model: string, eventId: string, settled = true): Promise<AuditRow> {
    const found = await waitFor(
      `the audit row of ${eventId}`,
      async () => (await product.auditRows(model)).find((r) => r.event_id === eventId),
      (row) => row !== undefined && (!settled || row.details.status !== 'running'),
      120_000,
    );
    return found!;
  }

  it('decides each model in its shard with its own cooldown, across a worker restart', async () => {
    const models = Array.from({ length: 6 }, () => uniqueName('sharded'));
    const first = models.map((m) => driftEvent(m, { drift_score: 0.91, severity: 'HIGH' }));
    await send(first);
    for (const [i, model] of models.entries()) {
      const row = await rowOf(model, first[i].event_id);
      expect(row).toMatchObject({ action: 'RETRAIN', executed: true });
      expect(row.details.status).toBe('succeeded');
    }

    // Every model is in its shard; none got a guardian of its own.
    for (const model of models) {
      const shard = t.temporal.client.workflow.getHandle(
        guardianShardWorkflowId(guardianShardOf(model, SHARDS)),
      );
      expect(await shard.query(modelGuardianStateQuery, model)).toMatchObject({
        modelName: model,
        counters: { processedEvents: 1 },
        runningActions: [],
      });
      await expect(
        t.temporal.client.workflow.getHandle(guardianWorkflowId(model)).describe(),
      ).rejects.toThrow(WorkflowNotFoundError);
    }

    await product.restartWorker();
    const second = models.map((m) => driftEvent(m, { drift_score: 0.93, severity: 'HIGH' }));
    await send([...second, first[0]]);
    for (const [i, model] of models.entries()) {
      const row = await rowOf(model, second[i].event_id);
      expect(row).toMatchObject({ action: 'RETRAIN', executed: false });
      expect(row.reason).toContain(`started by event ${first[i].event_id}`);
    }
    const shardOfFirst = t.temporal.client.workflow.getHandle(
      guardianShardWorkflowId(guardianShardOf(models[0], SHARDS)),
    );
    // The redelivered first event was not decided again.
    await waitFor(
      'the redelivered event counted as a duplicate',
      async () => (await shardOfFirst.query(modelGuardianStateQuery, models[0]))?.counters,
      (counters) => counters?.duplicateEvents === 1,
      60_000,
    );
    const summary = await shardOfFirst.query(shardSummaryQuery);
    expect(summary.models).toContain(models[0]);
    expect(summary.rejectedSignals).toBe(0);
    for (const model of models)
      expect((await product.auditRows(model)).filter((r) => r.executed)).toHaveLength(1);
  });
});
