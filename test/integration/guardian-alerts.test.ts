import { MockActivityEnvironment } from '@temporalio/testing';
import { createGuardianActivities } from '../../src/activities/guardian';
import { createSilence } from '../../src/backends/alerts';
import type { AlertRequest } from '../../src/contracts/guardian-activities';
import { validateSilence } from '../../src/domain/alerting/silence-matchers';
import { FakeWebhookServer, startFakeWebhookServer } from '../helpers/fake-webhook-server';
import { uniqueName } from '../helpers/stack';
import {
  GuardianTestContext,
  openGuardianTestContext,
  recordTopics,
  TopicRecorder,
} from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

describe('sendAlert', () => {
  let t: GuardianTestContext;
  let topics: TopicRecorder;
  let webhook: FakeWebhookServer & { webhookUrl: string };
  beforeAll(async () => {
    t = await openGuardianTestContext();
    topics = await recordTopics(t.kafka, [t.config.kafka.topicAlerts]);
    webhook = await startFakeWebhookServer();
  });
  afterAll(async () => {
    await webhook?.close();
    await topics?.stop();
    await t?.close();
  });
  beforeEach(() => webhook.respondWith(200, 'ok'));

  function alert(modelName: string, overrides: Partial<AlertRequest> = {}): AlertRequest {
    return {
      alertId: uniqueName('alert'),
      modelName,
      title: 'Data drift on fraud-scorer',
      message: 'drift_score 0.91 > 0.8 on 6 features <amount, country & 4 more>',
      priority: 'critical',
      time: '2025-03-01T10:00:00.000Z',
      sourceEvent: { event_id: 'evt-drift-1', event_type: 'data_drift_detected', drift_score: 0.91 },
      ...overrides,
    };
  }
  const withWebhook = () =>
    createGuardianActivities(
      t.depsWith({
        ALERT_WEBHOOK_URL: webhook.webhookUrl,
        ALERT_DELIVERY_ATTEMPTS: '3',
        ALERT_RETRY_INITIAL_SECONDS: '0.05',
      }),
    );
  const postsFor = (alertId: string) => webhook.requests.filter((r) => r.rawBody.includes(alertId));

  it('publishes the alert on system.alerts and posts it to the Slack webhook', async () => {
    const model = uniqueName('alert-model');
    const req = alert(model);
    expect(await withWebhook().sendAlert(req)).toEqual({ deliveredTo: ['kafka', 'slack'], route: 'now' });

    const [received] = await topics.waitFor((e) => e.event.alert_id === req.alertId);
    expect(received.topic).toBe('system.alerts');
    expect(received.key).toBe(model);
    expect(received.event).toMatchObject({
      event_type: 'alert',
      alert_id: req.alertId,
      model_name: model,
      title: req.title,
      message: req.message,
      priority: 'critical',
      time: req.time,
      source_event_id: 'evt-drift-1',
      source_event: req.sourceEvent,
      source: 'mlops-guardian',
    });
    expect(received.event.event_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );

    const [post] = postsFor(req.alertId);
    expect(post.method).toBe('POST');
    expect(post.path).toBe('/services/T000/B000/s3cr3t-webhook-token');
    const body = post.body as { text: string; blocks: Array<Record<string, unknown>> };
    expect(body.text).toBe(`:rotating_light: [CRITICAL] Data drift on fraud-scorer (model ${model})`);
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[CRITICAL] Data drift on fraud-scorer', emoji: true },
    });
    // Slack's control characters in the message are escaped, not interpreted.
    expect(body.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'drift_score 0.91 &gt; 0.8 on 6 features &lt;amount, country &amp; 4 more&gt;',
      },
    });
    expect(JSON.stringify(body.blocks[2])).toContain('data_drift_detected `evt-drift-1`');
  });

  it('a silenced alert is still published on system.alerts but not posted, and says which silence', async () => {
    const model = uniqueName('alert-silenced');
    const checked = validateSilence(
      {
        matchers: { model, eventType: 'data_drift_detected', action: 'ALERT' },
        creator: 'ana',
        comment: 'known drift while the feature store is migrated',
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
      new Date(),
    );
    if (!checked.ok) throw new Error(checked.error);
    const silence = await createSilence(t.pool, checked.silence);
    const req = alert(model, { alertId: `${uniqueName('decision')}:alert` });
    expect(await withWebhook().sendAlert(req)).toEqual({
      deliveredTo: ['kafka'],
      route: 'now',
      suppressed: { reason: 'silenced', by: silence.silenceId },
    });
    await topics.waitFor((e) => e.event.alert_id === req.alertId);
    expect(postsFor(req.alertId)).toHaveLength(0);
  });

  it('without ALERT_WEBHOOK_URL the alert goes to Kafka only', async () => {
    const req = alert(uniqueName('alert-kafka-only'), { priority: 'low', sourceEvent: undefined });
    const { sendAlert } = createGuardianActivities(t.depsWith({ ALERT_WEBHOOK_URL: '' }));
    expect(await sendAlert(req)).toEqual({ deliveredTo: ['kafka'], route: 'summary' });
    const [received] = await topics.waitFor((e) => e.event.alert_id === req.alertId);
    expect(received.event).toMatchObject({ priority: 'low', source_event: null, source_event_id: null });
    expect(postsFor(req.alertId)).toHaveLength(0);
  });

  it('a webhook that is down is retried with backoff, and a retried activity does not publish to Kafka again', async () => {
    const req = alert(uniqueName('alert-retry'));
    webhook.respondWith(503, 'upstream connect error');
    // Given up on after ALERT_DELIVERY_ATTEMPTS: recorded, and the guardian is not held up.
    expect(await withWebhook().sendAlert(req)).toEqual({
      deliveredTo: ['kafka'],
      route: 'now',
      undelivered: ['slack'],
    });
    expect(postsFor(req.alertId)).toHaveLength(3);
    webhook.respondWith(200, 'ok');
    expect(await withWebhook().sendAlert(req)).toEqual({ deliveredTo: ['kafka', 'slack'], route: 'now' });

    expect(postsFor(req.alertId)).toHaveLength(4);
    await topics.waitFor((e) => e.event.alert_id === req.alertId);
    // Give a duplicate time to show up before asserting there is none.
    await topics.waitFor((e) => e.event.alert_id === req.alertId, 2, 2_000);
    expect(topics.received.filter((e) => e.event.alert_id === req.alertId)).toHaveLength(1);
  });

  it('heartbeats each delivery, and a retry after the ledger write failed does not publish again', async () => {
    const req = alert(uniqueName('alert-ledger-down'));
    const { sendAlert } = createGuardianActivities(t.depsWith({ ALERT_WEBHOOK_URL: '' }));
    const first = new MockActivityEnvironment();
    const beats: unknown[] = [];
    first.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await first.run(sendAlert, req)).toEqual({ deliveredTo: ['kafka'], route: 'now' });
    expect(beats).toEqual([{ deliveredTo: ['kafka'] }]);
    await topics.waitFor((e) => e.event.alert_id === req.alertId);

    // As when PostgreSQL went away between the publish and marking the ledger row done: the row is
    // pending again, and the retry carries the heartbeat of the attempt that published.
    const key = [`alert:kafka`, req.modelName, req.alertId];
    await t.pool.query(
      `UPDATE guardian_action_ledger SET status = 'pending', result = NULL WHERE action = $1 AND model_name = $2 AND action_key = $3`,
      key,
    );
    const retry = new MockActivityEnvironment({ heartbeatDetails: { deliveredTo: ['kafka'] } });
    expect(await retry.run(sendAlert, req)).toEqual({ deliveredTo: ['kafka'], route: 'now' });
    const { rows } = await t.pool.query(
      'SELECT status FROM guardian_action_ledger WHERE action = $1 AND model_name = $2 AND action_key = $3',
      key,
    );
    expect(rows).toEqual([{ status: 'done' }]);
    // Give a second copy time to show up before asserting there is none.
    await topics.waitFor((e) => e.event.alert_id === req.alertId, 2, 2_000);
    expect(topics.received.filter((e) => e.event.alert_id === req.alertId)).toHaveLength(1);
  });

  it('a webhook that refuses the alert is recorded as undelivered at once, without ever showing its URL', async () => {
    const req = alert(uniqueName('alert-refused'));
    webhook.respondWith(404, 'no_service');
    const logsBefore = t.logs.length;
    expect(await withWebhook().sendAlert(req)).toEqual({
      deliveredTo: ['kafka'],
      route: 'now',
      undelivered: ['slack'],
    });
    expect(postsFor(req.alertId)).toHaveLength(1);
    const { rows } = await t.pool.query(
      `SELECT status, attempts, error FROM alarm_deliveries WHERE delivery_id = $1 AND channel = 'slack'`,
      [req.alertId],
    );
    expect(rows).toEqual([
      {
        status: 'undelivered',
        attempts: 1,
        error: expect.stringMatching(/HTTP 404 to POST to the slack webhook: no_service/),
      },
    ]);
    const recorded = JSON.stringify(rows) + JSON.stringify(t.logs.slice(logsBefore));
    expect(recorded).not.toContain('s3cr3t-webhook-token');
    expect(recorded).not.toContain(webhook.url);
  });
});
