import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { pendingApprovalsOf } from '../../src/clients/guardian-approvals';
import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/contracts/workflows';
import { WATCHING_PROMOTION_UNTIL } from '../../src/contracts/search-attributes';
import type { GuardianStateView } from '../../src/contracts/guardian-messages';
import { BridgeTestEnv, createBridgeTestEnv, driftEvent, waitFor } from '../helpers/bridge-harness';
import { FakeMlflowServer, startFakeMlflowServer } from '../helpers/fake-mlflow-server';
import { FakeTrainingServer, startFakeTrainingServer } from '../helpers/fake-training-server';
import { recordTopics, TopicRecorder } from '../helpers/guardian-activity-deps';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(240_000);

const TOKEN = 'a-promotion-approval-token-for-tests';
const execFileAsync = promisify(execFile);

/**
 * Promotion after approval on the real stack (PROMOTION_MODE=approval): a drift event on Kafka,
 * the real bridge, guardian, retrain child and activities; the training service and MLflow are
 * small real HTTP servers. The candidate passes, waits for a person — listed by the CLI's
 * `pending`, asked for by an alert on Kafka — and the alias moves only once it is approved over
 * the bridge's HTTP endpoint.
 */
describe('promotion after approval (real Temporal, Kafka, PostgreSQL)', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;
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
        BRIDGE_HTTP_TOKEN: TOKEN,
        TRAINING_SERVICE_URL: training.url,
        TRAINING_POLL_INTERVAL_SECONDS: '0.1',
        MLFLOW_TRACKING_URI: mlflow.url,
        EVALUATION_METRIC: 'auc',
        EVALUATION_METRICS_SOURCE: 'mlflow',
        PROMOTION_MODE: 'approval',
        GUARDIAN_APPROVAL_TIMEOUT_MINUTES: '60',
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

  function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
      const port = product.bridge.bridge.http!.port;
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  it('waits for a person, listed as PROMOTE; approved over HTTP, the alias moves and the watch starts', async () => {
    const model = uniqueName('promote-approval');
    mlflow.models.set(model, {
      versions: [
        { version: '3', runId: `${model}-run-3`, tags: { stable: 'true' } },
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
    const [request] = await waitFor(
      'the promotion request',
      () => pendingApprovalsOf(t.temporal.client, model).catch(() => []),
      (pending) => pending.length === 1,
      120_000,
    );
    expect(request).toMatchObject({
      action: 'PROMOTE',
      decisionId: drift.event_id,
      promotion: { candidateVersion: '4', championVersion: '3' },
    });
    expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('3');

    // The alert that asks, on Kafka, says what and how to answer.
    const [asked] = await topics.waitFor(
      (e) =>
        e.topic === t.topics.alerts &&
        String(e.event.title ?? '').startsWith(`Approval needed: promote ${model}`),
    );
    expect(String(asked?.event.message)).toContain('auc 0.91 (version 4) vs champion 0.88 (version 3)');
    expect(String(asked?.event.message)).toContain(`POST /approvals/${model}/${request.requestId}/approve`);

    // The same `pending` command lists it, with what it is.
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', 'pending', model],
      { env: { ...process.env, ...t.env, LOG_LEVEL: 'warn' }, timeout: 90_000 },
    );
    expect(stdout).toContain(`${model}  ${request.requestId}  PROMOTE (HIGH)`);
    expect(stdout).toContain(
      'PROMOTE version 4 over 3, evaluation auc 0.91 (version 4) vs champion 0.88 (version 3)',
    );

    const refused = await post(`/approvals/${model}/${request.requestId}/approve`, { by: '' });
    expect(refused.status).toBe(400);
    const approved = await post(`/approvals/${model}/${request.requestId}/approve`, {
      by: 'ana',
      reason: 'offline metrics reviewed',
    });
    expect(approved.status).toBe(200);

    const state = await waitFor(
      'the promotion',
      () =>
        t.temporal.client.workflow
          .getHandle(guardianWorkflowId(model))
          .query<GuardianStateView>(GUARDIAN_STATE_QUERY),
      (s) => s.lastDecisions.some((d) => d.id === drift.event_id && d.status !== 'running'),
      120_000,
    );
    const retrain = state.lastDecisions.find((d) => d.id === drift.event_id)!;
    expect(retrain.result).toMatch(
      /passed; approved by ana: offline metrics reviewed \(request .+\); promoted from version 3 to version 4; watching version 4/,
    );
    expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('4');
    expect(state.promotionWatch).toMatchObject({ fromVersion: '3', toVersion: '4' });
    // The dev server registered WatchingPromotionUntil (Datetime): the guardian shows the watch's end.
    const until = await waitFor(
      'WatchingPromotionUntil',
      async () =>
        (
          await t.temporal.client.workflow.getHandle(guardianWorkflowId(model)).describe()
        ).typedSearchAttributes.get(WATCHING_PROMOTION_UNTIL),
      (value) => value !== undefined,
      60_000,
    );
    expect(until!.toISOString()).toBe(state.promotionWatch!.until);
    const [deployed] = await topics.waitFor(
      (e) => e.key === model && e.event.event_type === 'model_deployed',
    );
    expect(deployed?.event).toMatchObject({ from_version: '3', to_version: '4', change: 'promotion' });

    const rows = await waitFor(
      'the audit row of the answer',
      () => product.auditRows(model),
      (r) => r.some((row) => row.event_id === `${drift.event_id}:approval`),
      60_000,
    );
    const answer = rows.find((row) => row.event_id === `${drift.event_id}:approval`)!;
    expect(answer.action).toBe('PROMOTE');
    expect(JSON.stringify(answer)).toContain('approved by ana: offline metrics reviewed');
  });
});
