import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { createPostgresRegistry } from '../../src/backends/registry/postgres-registry';
import { allPendingApprovals, pendingApprovalsOf } from '../../src/clients/guardian-approvals';
import type { PendingApprovalView } from '../../src/contracts/guardian-messages';
import { BridgeTestEnv, createBridgeTestEnv, degradationEvent, waitFor } from '../helpers/bridge-harness';
import { recordTopics, TopicRecorder } from '../helpers/guardian-activity-deps';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

// A busy machine makes worker restarts and Kafka group joins slow; every wait inside is bounded.
jest.setTimeout(240_000);

const TOKEN = 'an-approval-token-for-tests';
const execFileAsync = promisify(execFile);

/**
 * Human approval on the real stack: a HIGH degradation on Kafka, the real bridge, guardian and
 * activities, the built-in PostgreSQL registry. The ROLLBACK waits for a person — across a
 * worker restart — and runs once approved over the bridge's HTTP endpoint or the CLI.
 */
describe('approval before a ROLLBACK (real Temporal, Kafka, PostgreSQL)', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;
  let topics: TopicRecorder;

  beforeAll(async () => {
    t = await createBridgeTestEnv({
      env: {
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        BRIDGE_HTTP_TOKEN: TOKEN,
        GUARDIAN_APPROVAL_REQUIRED: 'ROLLBACK:HIGH',
      },
    });
    topics = await recordTopics(t.kafka, [t.topics.alerts]);
    product = await startProductOnStack(t);
  });

  afterAll(async () => {
    await topics?.stop();
    await product?.close();
    await t?.close();
  });

  const port = () => product.bridge.bridge.http!.port;

  function post(
    path: string,
    body: unknown,
    token = TOKEN,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const req = http.request({ host: '127.0.0.1', port: port(), path, method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  /** The real command line against this test's Temporal server. */
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args],
        { env: { ...process.env, ...t.env, LOG_LEVEL: 'warn' }, timeout: 90_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  /** Version 2 (stable) was serving before 3, which serves now: a rollback goes back to 2. */
  async function modelServing3(): Promise<string> {
    const model = uniqueName('approval');
    const registry = createPostgresRegistry(product.pool);
    await registry.registerVersion(model, '2', { stable: true });
    await registry.registerVersion(model, '3', { stable: true });
    await registry.serve(model, '3', { reason: 'initial deploy', triggeringEventId: 'setup' });
    return model;
  }

  /** A 12 % drop: HIGH, so the table says ROLLBACK, which needs approval. */
  async function degrade(model: string): Promise<{ eventId: string; request: PendingApprovalView }> {
    const event = degradationEvent(model);
    await t.producer.send({
      topic: t.topics.degradation,
      messages: [{ key: model, value: JSON.stringify(event) }],
    });
    const [request] = await waitFor(
      'the approval request',
      () => pendingApprovalsOf(t.temporal.client, model).catch(() => []),
      (pending) => pending.length === 1,
      120_000,
    );
    return { eventId: event.event_id, request };
  }

  async function approvalRow(model: string, eventId: string) {
    const rows = await waitFor(
      'the audit row of the answer',
      () => product.auditRows(model),
      (r) => r.some((row) => row.event_id === `${eventId}:approval`),
      120_000,
    );
    return { rows, answer: rows.find((row) => row.event_id === `${eventId}:approval`)! };
  }

  it('waits across a worker restart, then rolls back once approved over HTTP', async () => {
    const model = await modelServing3();
    const registry = createPostgresRegistry(product.pool);
    const { eventId, request } = await degrade(model);
    expect(request).toMatchObject({ action: 'ROLLBACK', severity: 'HIGH', timeoutOutcome: 'abandon' });

    const waiting = await waitFor(
      'the waiting decision in the audit trail',
      () => product.auditRows(model),
      (r) => r.some((row) => row.event_id === eventId),
    );
    expect(waiting[0].details).toMatchObject({ status: 'awaiting-approval' });
    expect(waiting[0].reason).toContain(`request ${request.requestId}`);
    const [asked] = await topics.waitFor(
      (e) => e.key === model && String(e.event.alert_id).endsWith(':approval-request'),
    );
    expect(asked?.event.message).toContain(`mlops-guardian approve ${model} ${request.requestId} --by NAME`);
    // Listed through the AwaitingApproval search attribute (visibility lags a moment).
    await waitFor(
      'the request listed by search attribute',
      () => allPendingApprovals(t.temporal.client),
      (all) => all.some((p) => p.requestId === request.requestId),
    );

    await product.restartWorker();
    expect(await registry.servingVersion(model)).toBe('3');

    // Without the token the answer is refused, and nothing changes.
    expect(
      (await post(`/approvals/${model}/${request.requestId}/approve`, { by: 'ana' }, 'wrong')).status,
    ).toBe(401);
    const unknown = await post(`/approvals/${model}/not-a-request/approve`, { by: 'ana' });
    expect(unknown).toMatchObject({ status: 404, json: { error: 'unknown_request' } });
    const nobody = await post(`/approvals/${model}/${request.requestId}/approve`, { reason: 'no name' });
    expect(nobody).toMatchObject({ status: 400, json: { error: 'invalid_answer' } });
    expect(await pendingApprovalsOf(t.temporal.client, model)).toHaveLength(1);

    const approved = await post(`/approvals/${model}/${request.requestId}/approve`, {
      by: 'ana',
      reason: 'the new version is broken',
    });
    expect(approved).toMatchObject({ status: 200, json: { status: 'approved' } });
    const { answer } = await approvalRow(model, eventId);
    expect(answer).toMatchObject({ action: 'ROLLBACK', executed: true });
    expect(answer.reason).toContain('approved by ana: the new version is broken');
    expect(answer.reason).toContain('rolled back from version 3 to 2');
    expect(await registry.servingVersion(model)).toBe('2');
    expect(await pendingApprovalsOf(t.temporal.client, model)).toEqual([]);
  });

  it('is answered from the command line: pending lists it, reject records it and nothing runs', async () => {
    const model = await modelServing3();
    const { eventId, request } = await degrade(model);

    const listed = await cli(['pending', model, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([request]);

    const unknown = await cli(['reject', model, 'not-a-request', '--by', 'bo']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no approval request 'not-a-request' waits on ${model}`);

    const rejected = await cli(['reject', model, request.requestId, '--by', 'bo', '--reason', 'false alarm']);
    expect(rejected).toMatchObject({ code: 0 });
    expect(rejected.stdout).toContain(`rejected: ROLLBACK on ${model} does not run`);
    const { answer } = await approvalRow(model, eventId);
    expect(answer).toMatchObject({
      executed: false,
      details: expect.objectContaining({ status: 'rejected' }),
    });
    expect(answer.reason).toContain('rejected by bo: false alarm');
    expect(await createPostgresRegistry(product.pool).servingVersion(model)).toBe('3');
  });
});
