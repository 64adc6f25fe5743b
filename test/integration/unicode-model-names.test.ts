import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/contracts/workflows';
import type { GuardianStateView } from '../../src/contracts/guardian-messages';
import { DLQ_HEADERS } from '../../src/bridge/dead-letter-writer';
import {
  BridgeTestEnv,
  createBridgeTestEnv,
  driftEvent,
  header,
  produce,
  readTopic,
  waitFor,
  workflowRuns,
} from '../helpers/bridge-harness';
import { FakeTrainingServer, startFakeTrainingServer } from '../helpers/fake-training-server';
import { FakeWebhookServer, startFakeWebhookServer } from '../helpers/fake-webhook-server';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

/**
 * Model names outside ASCII on the whole real path: Kafka → bridge → guardian → RETRAIN on the
 * HTTP training service → audit trail, with alerts on a Slack-compatible webhook. Every valid
 * Unicode name must work, and two different names must never share a guardian, an audit trail
 * or an idempotency key.
 */
describe('Unicode model names end to end (real Kafka, Temporal, PostgreSQL)', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;
  let training: FakeTrainingServer;
  let slack: FakeWebhookServer & { webhookUrl: string };
  const suffix = uniqueName('u');

  /** name → why it is here. */
  const names: Record<string, string> = {
    [`欺诈检测模型-${suffix}`]: 'CJK',
    [`🚀-ranker-${suffix}`]: 'an emoji (a surrogate pair)',
    // Same high surrogate, different low one: the pair that used to collide as lone surrogates.
    [`😀-${suffix}`]: 'an emoji sharing its high surrogate with the next',
    [`😁-${suffix}`]: 'the emoji next to it',
    // The same text in NFC and NFD: different strings, so different models.
    [`caf\u00e9-${suffix}`]: 'NFC é',
    [`cafe\u0301-${suffix}`]: 'NFD é',
    // What a percent-encoded CJK name looks like, as a name of its own.
    [`${encodeURIComponent('欺诈检测模型')}-${suffix}`]: 'ASCII that reads like an encoded name',
    // Slack mrkdwn control sequences in a name must arrive as text, not as a channel ping.
    [`<!channel>&-${suffix}`]: 'Slack mrkdwn',
  };
  const models = Object.keys(names);

  beforeAll(async () => {
    training = await startFakeTrainingServer({
      scriptFor: () => ({ runningPolls: 0, end: { status: 'succeeded', new_version: '2' } }),
    });
    slack = await startFakeWebhookServer();
    t = await createBridgeTestEnv({
      env: {
        // Every hour is a business hour, so the outcome does not depend on when the test runs.
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        TRAINING_SERVICE_URL: training.url,
        TRAINING_POLL_INTERVAL_SECONDS: '0.2',
        ALERT_WEBHOOK_URL: slack.webhookUrl,
        // The default name pattern refuses `%`, `<`, `!` and `&`; a deployment may allow any
        // name, and then every valid one must still work and reach Slack as text.
        GUARDIAN_MODEL_PATTERN: '.+',
      },
    });
    product = await startProductOnStack(t);
  }, 180_000);

  afterAll(async () => {
    await product?.close();
    await new Promise((r) => setTimeout(r, 2_000));
    await t?.close();
    await training?.close();
    await slack?.close();
  }, 120_000);

  it('retrains each model once under its own guardian, audit trail and idempotency key', async () => {
    const events = models.map((model) => driftEvent(model, { drift_score: 0.91 }));
    await produce(
      t.producer,
      t.topics.drift,
      events.map((e) => ({ key: e.model_name, value: JSON.stringify(e) })),
    );

    const states = await Promise.all(
      events.map((event) =>
        waitFor(
          `the retrain of ${names[event.model_name]}`,
          () =>
            t.temporal.client.workflow
              .getHandle(guardianWorkflowId(event.model_name))
              .query<GuardianStateView>(GUARDIAN_STATE_QUERY),
          (s) => s.lastDecisions.some((d) => d.id === event.event_id && d.status === 'succeeded'),
          120_000,
        ),
      ),
    );
    // One guardian per name, each knowing exactly its own name and event.
    expect(states.map((s) => s.modelName)).toEqual(models);
    states.forEach((s, i) => expect(s.lastDecisions.map((d) => d.id)).toEqual([events[i].event_id]));
    const runs = await Promise.all(
      models.map(
        async (m) => (await t.temporal.client.workflow.getHandle(guardianWorkflowId(m)).describe()).runId,
      ),
    );
    expect(new Set(models.map(guardianWorkflowId)).size).toBe(models.length);
    expect(new Set(runs).size).toBe(models.length);

    // The audit trail: one RETRAIN row under each exact name.
    for (const [i, model] of models.entries()) {
      const rows = await waitFor(
        `the audit row of ${names[model]}`,
        () => product.auditRows(model),
        (r) => r.length >= 1,
      );
      expect(rows.map((r) => [r.event_id, r.action, r.executed])).toEqual([
        [events[i].event_id, 'RETRAIN', true],
      ]);
    }

    // The training service: one job per model, each with the model's name and a key of its own
    // that is a valid header value and reads back as model:event.
    const submits = training.requests.filter(
      (r) => r.method === 'POST' && models.includes(String((r.body as { model_name: string }).model_name)),
    );
    expect(submits.map((r) => (r.body as { model_name: string }).model_name).sort()).toEqual(
      [...models].sort(),
    );
    const keys = submits.map((r) => String(r.headers['idempotency-key']));
    expect(new Set(keys).size).toBe(models.length);
    for (const submit of submits) {
      const body = submit.body as { model_name: string; triggering_event_id: string };
      const key = String(submit.headers['idempotency-key']);
      expect(key).toMatch(/^[\x21-\x7e]+$/);
      const readBack = key.includes(':') ? key : decodeURIComponent(key);
      expect(readBack).toBe(`${body.model_name}:${body.triggering_event_id}`);
    }
  });

  it('sends the Slack webhook each name as text: escaped mrkdwn, emoji and CJK intact', async () => {
    const messages = await waitFor(
      'a Slack message per model',
      async () => slack.requests.map((r) => r.body as { text: string }),
      (m) =>
        models.every((model) =>
          m.some((msg) =>
            msg.text.includes(`(model ${model.replace('<!channel>&', '&lt;!channel&gt;&amp;')})`),
          ),
        ),
    );
    const all = messages.map((m) => m.text).join('\n');
    expect(all).toContain(`&lt;!channel&gt;&amp;-${suffix}`);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain(`欺诈检测模型-${suffix}`);
    expect(all).toContain(`🚀-ranker-${suffix}`);
  });

  it('dead-letters names with unpaired surrogates, which would have shared one guardian, and starts none', async () => {
    // Each becomes U+FFFD once encoded as UTF-8 (workflow id, PostgreSQL): two models, one id.
    const broken = [`\uD800-${suffix}`, `\uD801-${suffix}`];
    const events = broken.map((model) => driftEvent(model));
    await produce(
      t.producer,
      t.topics.drift,
      events.map((e) => ({ value: JSON.stringify(e) })),
    );
    const ids = new Set<string>(events.map((e) => e.event_id));
    const letters = await readTopic(t.kafka, t.topics.deadLetter, (m) =>
      events.every((e) => m.some((l) => header(l, DLQ_HEADERS.eventId) === e.event_id)),
    );
    const ours = letters.filter((l) => ids.has(header(l, DLQ_HEADERS.eventId) ?? ''));
    expect(ours).toHaveLength(2);
    for (const letter of ours) {
      expect(header(letter, DLQ_HEADERS.reason)).toMatch(
        /model_name contains an unpaired surrogate \(not valid Unicode\) \(U\+D80[01] at position 0\)/,
      );
    }
    expect(await workflowRuns(t.temporal.client, guardianWorkflowId(`\uFFFD-${suffix}`))).toEqual([]);
  });
});
