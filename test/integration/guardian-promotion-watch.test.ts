import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/contracts/workflows';
import type { GuardianStateView } from '../../src/contracts/guardian-messages';
import {
  BridgeTestEnv,
  createBridgeTestEnv,
  degradationEvent,
  driftEvent,
  waitFor,
} from '../helpers/bridge-harness';
import { FakeMlflowServer, startFakeMlflowServer } from '../helpers/fake-mlflow-server';
import { FakeTrainingServer, startFakeTrainingServer } from '../helpers/fake-training-server';
import { recordTopics, TopicRecorder } from '../helpers/guardian-activity-deps';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

/**
 * The watch after a promotion on the real stack: events on Kafka, the real bridge, guardian,
 * retrain child and activities; the training service and MLflow are small real HTTP servers.
 * A retrain promotes version 4 over version 3; the worker restarts during the watch; a
 * degradation then rolls back to version 3 — the replaced champion, although it was never
 * tagged stable and an ordinary rollback would have gone to version 2.
 */
describe('watch after promotion, with MLflow', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack | undefined;
  let mlflow: FakeMlflowServer;
  let training: FakeTrainingServer;
  let topics: TopicRecorder;

  beforeAll(async () => {
    mlflow = await startFakeMlflowServer();
    training = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 1, end: { status: 'succeeded', new_version: '4' } }),
    });
    t = await createBridgeTestEnv({
      env: {
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        TRAINING_SERVICE_URL: training.url,
        TRAINING_POLL_INTERVAL_SECONDS: '0.1',
        MLFLOW_TRACKING_URI: mlflow.url,
        EVALUATION_METRIC: 'auc',
        EVALUATION_METRICS_SOURCE: 'mlflow',
        GUARDIAN_PROMOTION_WATCH_MINUTES: '30',
      },
    });
    topics = await recordTopics(t.kafka, [t.config.kafka.topicDeployed]);
    product = await startProductOnStack(t);
  });

  afterAll(async () => {
    await topics?.stop();
    await product?.close();
    await new Promise((r) => setTimeout(r, 3_000));
    await t?.close();
    await training?.close();
    await mlflow?.close();
  });

  const guardianState = (model: string) =>
    t.temporal.client.workflow
      .getHandle(guardianWorkflowId(model))
      .query<GuardianStateView>(GUARDIAN_STATE_QUERY);

  it('rolls back to the replaced version when the promoted one degrades, across a worker restart', async () => {
    const model = uniqueName('watch-rollback');
    // Version 2 is the last one tagged stable; version 3 serves; the retrain produces version 4.
    mlflow.models.set(model, {
      versions: [
        { version: '2', runId: `${model}-run-2`, tags: { stable: 'true' } },
        { version: '3', runId: `${model}-run-3` },
        { version: '4', runId: `${model}-run-4` },
      ],
      aliases: new Map([['champion', '3']]),
    });
    mlflow.runs.set(`${model}-run-3`, { auc: 0.88 });
    mlflow.runs.set(`${model}-run-4`, { auc: 0.91 });

    const drift = driftEvent(model, { drift_score: 0.7, severity: 'HIGH' });
    await t.producer.send({
      topic: t.topics.drift,
      messages: [{ key: model, value: JSON.stringify(drift) }],
    });
    const watching = await waitFor(
      'the promotion and its watch',
      () => guardianState(model),
      (s) => s.promotionWatch !== undefined,
      120_000,
    );
    expect(watching.promotionWatch).toMatchObject({ fromVersion: '3', toVersion: '4' });
    expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('4');

    // The worker (and the bridge) restart during the watch: the guardian replays on the new worker.
    await product!.close();
    product = undefined;
    product = await startProductOnStack(t);

    // A MEDIUM degradation (the table says RETRAIN) of the promoted version.
    const degraded = degradationEvent(model, { performance_drop: 0.05, current_performance: 0.88 });
    await t.producer.send({
      topic: t.topics.degradation,
      messages: [{ key: model, value: JSON.stringify(degraded) }],
    });
    const state = await waitFor(
      'the rollback of the watch',
      () => guardianState(model),
      (s) => s.lastDecisions.some((d) => d.id === degraded.event_id && d.status !== 'running'),
      120_000,
    );
    const entry = state.lastDecisions.find((d) => d.id === degraded.event_id)!;
    expect(entry).toMatchObject({ action: 'ROLLBACK', tableAction: 'RETRAIN', status: 'succeeded' });
    expect(entry.reason).toMatch(
      /^ROLLBACK to version 3: version 4 degraded within 30 min of its promotion \(watch until .+\); the policy alone: RETRAIN/,
    );
    expect(entry.result).toBe('rolled back from version 4 to 3');
    expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('3');
    expect(state.promotionWatch).toBeUndefined();

    const deployed = await topics.waitFor(
      (e) => e.key === model && e.event.event_type === 'model_deployed' && e.event.change === 'rollback',
    );
    expect(deployed[0].event).toMatchObject({ from_version: '4', to_version: '3', registry: 'mlflow' });

    const rows = await waitFor(
      'the audit row of the rollback',
      () => product!.auditRows(model),
      (r) => r.some((row) => row.event_id === degraded.event_id && row.executed),
    );
    expect(rows.find((row) => row.event_id === degraded.event_id)?.reason).toContain(
      'ROLLBACK to version 3: version 4 degraded',
    );
  });
});
