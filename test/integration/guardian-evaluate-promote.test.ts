import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/contracts/workflows';
import type { DecisionEntry, GuardianStateView } from '../../src/contracts/guardian-messages';
import { BridgeTestEnv, createBridgeTestEnv, driftEvent, waitFor } from '../helpers/bridge-harness';
import { FakeMlflowServer, startFakeMlflowServer } from '../helpers/fake-mlflow-server';
import { FakeTrainingServer, startFakeTrainingServer } from '../helpers/fake-training-server';
import { recordTopics, TopicRecorder } from '../helpers/guardian-activity-deps';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

/**
 * Evaluate and promote on the real stack: a drift event on Kafka, the real bridge, guardian,
 * retrain child and activities; the training service and MLflow are small real HTTP servers.
 * The candidate's and the champion's AUC come from their MLflow runs; a better candidate gets
 * the serving alias and a model.deployed event, a worse one leaves the alias and raises an alert.
 */
describe('evaluate and promote after RETRAIN, with MLflow run metrics', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;
  let mlflow: FakeMlflowServer;
  let training: FakeTrainingServer;
  let topics: TopicRecorder;

  beforeAll(async () => {
    mlflow = await startFakeMlflowServer();
    // Every job produces version 4 of its model (the candidate).
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
        EVALUATION_MIN_IMPROVEMENT: '0.005',
      },
    });
    topics = await recordTopics(t.kafka, [t.config.kafka.topicDeployed, t.topics.alerts]);
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

  /** Version 3 serves (the champion); version 4 is the candidate the retrain will produce. */
  function registerModel(model: string, championAuc: number, candidateAuc: number): void {
    mlflow.models.set(model, {
      versions: [
        { version: '3', runId: `${model}-run-3`, tags: { stable: 'true' } },
        { version: '4', runId: `${model}-run-4` },
      ],
      aliases: new Map([['champion', '3']]),
    });
    mlflow.runs.set(`${model}-run-3`, { auc: championAuc, log_loss: 0.3 });
    mlflow.runs.set(`${model}-run-4`, { auc: candidateAuc, log_loss: 0.2 });
  }

  async function retrainDecision(model: string): Promise<DecisionEntry> {
    const drift = driftEvent(model, { drift_score: 0.7, severity: 'HIGH' });
    await t.producer.send({
      topic: t.topics.drift,
      messages: [{ key: model, value: JSON.stringify(drift) }],
    });
    const state = await waitFor(
      'the retrain and its evaluation to finish',
      () =>
        t.temporal.client.workflow
          .getHandle(guardianWorkflowId(model))
          .query<GuardianStateView>(GUARDIAN_STATE_QUERY),
      (s) => s.lastDecisions.some((d) => d.id === drift.event_id && d.status !== 'running'),
      120_000,
    );
    return state.lastDecisions.find((d) => d.id === drift.event_id)!;
  }

  it('promotes a candidate whose AUC beats the champion: alias moved, model.deployed with the numbers', async () => {
    const model = uniqueName('eval-promote');
    registerModel(model, 0.88, 0.91);
    const entry = await retrainDecision(model);

    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'succeeded', executed: true });
    expect(entry.result).toContain('auc 0.91 (version 4) vs champion 0.88 (version 3)');
    expect(entry.result).toMatch(
      /needs improvement ≥ 0\.005: passed; promoted from version 3 to version 4; watching version 4 for 30 min \(until [^)]+\): a degradation or failed health check rolls back to version 3 at once$/,
    );
    expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('4');
    // Both versions' runs were read through the real MLflow API shapes.
    const runReads = mlflow.requests.filter(
      (r) => r.path.endsWith('/runs/get') && r.query.get('run_id')?.startsWith(model),
    );
    expect(runReads.map((r) => r.query.get('run_id')).sort()).toEqual([`${model}-run-3`, `${model}-run-4`]);

    const [deployed] = await topics.waitFor(
      (e) => e.key === model && e.event.event_type === 'model_deployed',
    );
    expect(deployed?.event).toMatchObject({
      model_name: model,
      from_version: '3',
      to_version: '4',
      change: 'promotion',
      registry: 'mlflow',
      evaluation: { metric: 'auc', candidate: 0.91, champion: 0.88, champion_version: '3', passed: true },
    });

    const rows = await waitFor(
      'the audit row',
      () => product.auditRows(model),
      (r) => r.some((row) => row.action === 'RETRAIN' && row.executed),
    );
    expect(JSON.stringify(rows)).toContain('promoted from version 3 to version 4');
  });

  it('keeps the champion when the candidate does not improve enough, and alerts with the numbers', async () => {
    const model = uniqueName('eval-reject');
    registerModel(model, 0.9, 0.902);
    const entry = await retrainDecision(model);

    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });
    expect(entry.result).toMatch(/candidate rejected, version 3 keeps serving; rejection alert sent$/);
    expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('3');

    const [alert] = await topics.waitFor(
      (e) =>
        e.topic === t.topics.alerts && String(e.event.title ?? '').includes(`${model} version 4 rejected`),
    );
    expect(JSON.stringify(alert?.event)).toContain('auc 0.902 (version 4) vs champion 0.9 (version 3)');
    const deployed = topics.received.filter(
      (e) => e.key === model && e.event.event_type === 'model_deployed',
    );
    expect(deployed).toEqual([]);
  });
});
