import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Pool } from 'pg';
import { readInformationAlarms } from '../../src/activities/report/information-alarms';
import { createWriteDailyReport } from '../../src/activities/report/write-daily-report';
import { type AlertSender, createConfiguredAlertSender } from '../../src/backends/alerts';
import { createPgPool } from '../../src/clients/postgres';
import type { Alarm } from '../../src/contracts/alarms';
import { migrate } from '../../src/db/migrate';
import { buildDailyReport, emptyAggregate, reportWindow } from '../../src/domain/log-analysis';
import { createLogger } from '../../src/logger';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import {
  type FakeSmtpServer,
  startFakeSmtpServer,
  startScriptedReceiver,
} from '../helpers/fake-alert-receivers';
import type { FakeHttpServer } from '../helpers/fake-http-server';
import { testConfig, uniqueName } from '../helpers/stack';

jest.setTimeout(60_000);

const SMTP_USER = 'guardian-mailer';
const SMTP_PASSWORD = 'smtp-pa55-7c1d9e';

type Receiver = FakeHttpServer & {
  hookUrl: string;
  script(next: { status: number; body?: unknown }[]): void;
};

describe('one alert path: Slack, Discord, JSON webhook and e-mail', () => {
  let pool: Pool;
  let slack: Receiver;
  let discord: Receiver;
  let webhook: Receiver;
  let smtp: FakeSmtpServer;
  const logs: string[] = [];
  const logger = createLogger(
    { level: 'debug', pretty: false },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  );

  beforeAll(async () => {
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
    slack = await startScriptedReceiver([{ status: 200, body: 'ok' }]);
    discord = await startScriptedReceiver([{ status: 204, body: '' }]);
    webhook = await startScriptedReceiver([{ status: 200, body: { received: true } }]);
    smtp = await startFakeSmtpServer(SMTP_USER, SMTP_PASSWORD);
  });
  afterAll(async () => {
    await Promise.all([slack?.close(), discord?.close(), webhook?.close(), smtp?.close()]);
    await pool?.end();
  });
  beforeEach(() => {
    slack.script([{ status: 200, body: 'ok' }]);
    discord.script([{ status: 204, body: '' }]);
    webhook.script([{ status: 200, body: { received: true } }]);
    smtp.refuse(false);
  });

  function senderWith(overrides: NodeJS.ProcessEnv = {}): { sender: AlertSender; metrics: WorkerMetrics } {
    const metrics = new WorkerMetrics();
    const config = testConfig({
      ALERT_WEBHOOK_URL: slack.hookUrl,
      ALERT_DISCORD_WEBHOOK_URL: discord.hookUrl,
      ALERT_JSON_WEBHOOK_URL: webhook.hookUrl,
      ALERT_SMTP_HOST: smtp.host,
      ALERT_SMTP_PORT: String(smtp.port),
      ALERT_SMTP_USER: SMTP_USER,
      ALERT_SMTP_PASSWORD: SMTP_PASSWORD,
      ALERT_EMAIL_FROM: 'Guardian <guardian@example.test>',
      ALERT_EMAIL_TO: 'oncall@example.test,ml-team@example.test',
      ALERT_DELIVERY_ATTEMPTS: '3',
      ALERT_RETRY_INITIAL_SECONDS: '0.05',
      ALERT_RETRY_MAX_SECONDS: '0.2',
      BACKEND_REQUEST_TIMEOUT_SECONDS: '5',
      // These tests share subjects across cases: a critical of one would inhibit the next one's warnings
      // (alert-silences.test.ts tests inhibition).
      ALERT_INHIBIT_MINUTES: '0',
      ...overrides,
    });
    return { sender: createConfiguredAlertSender(config, pool, logger, metrics), metrics };
  }

  function alarm(overrides: Partial<Alarm> = {}): Alarm {
    return {
      alarmId: uniqueName('alarm'),
      source: 'video',
      subject: 'uploads/cam-7.mp4',
      kind: 'db_connection_failures',
      title: 'PostgreSQL unreachable for video analysis',
      message: '4 connection failures in 5 min @everyone <!channel>',
      priority: 'critical',
      time: new Date().toISOString(),
      ...overrides,
    };
  }

  const postsFor = (r: Receiver, id: string) => r.requests.filter((q) => q.rawBody.includes(id));
  const mailsFor = (id: string) => smtp.mails.filter((m) => m.raw.includes(id));

  async function deliveries(deliveryId: string) {
    const { rows } = await pool.query(
      'SELECT channel, status, attempts, error FROM alarm_deliveries WHERE delivery_id = $1 ORDER BY channel',
      [deliveryId],
    );
    return rows as Array<{ channel: string; status: string; attempts: number; error: string | null }>;
  }

  it('sends a critical alarm at once to every configured channel, each in its own format', async () => {
    const { sender, metrics } = senderWith();
    const a = alarm();
    const dispatch = await sender.send(a);
    sender.close();
    expect(dispatch).toEqual({
      route: 'now',
      deliveredTo: ['slack', 'discord', 'webhook', 'email'],
      undelivered: [],
    });

    const [slackPost] = postsFor(slack, a.alarmId);
    expect((slackPost.body as { text: string }).text).toBe(
      ':rotating_light: [CRITICAL] PostgreSQL unreachable for video analysis (video uploads/cam-7.mp4)',
    );
    expect(slackPost.rawBody).not.toContain('<!channel>');

    const [discordPost] = postsFor(discord, a.alarmId);
    expect(discordPost.body).toMatchObject({
      allowed_mentions: { parse: [] },
      embeds: [{ title: '[CRITICAL] PostgreSQL unreachable for video analysis', timestamp: a.time }],
    });

    const [hook] = postsFor(webhook, a.alarmId);
    expect(hook.headers['idempotency-key']).toBe(a.alarmId);
    expect(hook.body).toEqual({
      alerts: [
        {
          alert_id: a.alarmId,
          source: 'video',
          subject: 'uploads/cam-7.mp4',
          kind: 'db_connection_failures',
          priority: 'critical',
          title: a.title,
          message: a.message,
          time: a.time,
          details: {},
        },
      ],
    });

    const [mail] = mailsFor(a.alarmId);
    expect(mail).toMatchObject({
      from: 'guardian@example.test',
      to: ['oncall@example.test', 'ml-team@example.test'],
      user: SMTP_USER,
      subject: '[CRITICAL] PostgreSQL unreachable for video analysis',
    });

    expect(await deliveries(a.alarmId)).toEqual(
      ['discord', 'email', 'slack', 'webhook'].map((channel) => ({
        channel,
        status: 'delivered',
        attempts: 1,
        error: null,
      })),
    );
    const text = metrics.render();
    for (const channel of ['slack', 'discord', 'webhook', 'email']) {
      expect(text).toContain(`alarms_sent_total{channel="${channel}",source="video"} 1`);
      expect(text).toContain(`alarm_delivery_latency_seconds_count{channel="${channel}",source="video"} 1`);
    }
  });

  it('a send repeated after a crash reaches only the channels that did not have the alarm', async () => {
    const { sender } = senderWith();
    const a = alarm();
    slack.script([{ status: 503, body: 'busy' }]);
    const first = await sender.send(a);
    expect(first.undelivered.map((u) => u.channel)).toEqual(['slack']);
    slack.script([{ status: 200, body: 'ok' }]);
    const again = await sender.send(a);
    sender.close();
    expect(again).toEqual({
      route: 'now',
      deliveredTo: ['slack', 'discord', 'webhook', 'email'],
      undelivered: [],
    });
    expect(postsFor(discord, a.alarmId)).toHaveLength(1);
    expect(mailsFor(a.alarmId)).toHaveLength(1);
    expect(postsFor(slack, a.alarmId)).toHaveLength(4); // 3 attempts, then the repeat
  });

  it('retries a channel that fails once (500 then 200) with backoff and delivers it', async () => {
    const { sender, metrics } = senderWith();
    const a = alarm();
    webhook.script([
      { status: 500, body: 'oops' },
      { status: 200, body: {} },
    ]);
    const dispatch = await sender.send(a);
    sender.close();
    expect(dispatch.deliveredTo).toContain('webhook');
    expect(postsFor(webhook, a.alarmId)).toHaveLength(2);
    expect(await deliveries(a.alarmId)).toContainEqual({
      channel: 'webhook',
      status: 'delivered',
      attempts: 2,
      error: null,
    });
    expect(metrics.render()).toContain('alarm_delivery_failures_total{channel="webhook",source="video"} 1');
  });

  it('records a channel that always refuses (400) as undelivered after one attempt; the others still get it', async () => {
    const { sender, metrics } = senderWith();
    const a = alarm();
    discord.script([{ status: 400, body: { message: 'Invalid Form Body' } }]);
    const dispatch = await sender.send(a);
    sender.close();
    expect(dispatch.deliveredTo).toEqual(['slack', 'webhook', 'email']);
    expect(dispatch.undelivered).toEqual([
      { channel: 'discord', error: expect.stringContaining('HTTP 400 to POST to the discord webhook') },
    ]);
    expect(postsFor(discord, a.alarmId)).toHaveLength(1);
    const row = (await deliveries(a.alarmId)).find((d) => d.channel === 'discord')!;
    expect(row).toMatchObject({ status: 'undelivered', attempts: 1 });
    expect(row.error).not.toContain('token-9f8e7d6c5b4a');
    expect(metrics.render()).toContain('alarms_undelivered_total{channel="discord",source="video"} 1');
  });

  it('gives up on a channel that stays down after ALERT_DELIVERY_ATTEMPTS, and on a refused login at once', async () => {
    const { sender, metrics } = senderWith({ ALERT_SMTP_PASSWORD: 'wrong-pa55-0000' });
    const a = alarm();
    slack.script([{ status: 503, body: 'down' }]);
    const dispatch = await sender.send(a);
    sender.close();
    expect(dispatch.undelivered.map((u) => u.channel).sort()).toEqual(['email', 'slack']);
    expect(postsFor(slack, a.alarmId)).toHaveLength(3);
    const rows = await deliveries(a.alarmId);
    expect(rows.find((d) => d.channel === 'slack')).toMatchObject({ status: 'undelivered', attempts: 3 });
    expect(rows.find((d) => d.channel === 'email')).toMatchObject({ status: 'undelivered', attempts: 1 });
    expect(metrics.render()).toContain('alarms_undelivered_total{channel="email",source="video"} 1');
    const everything = JSON.stringify(rows) + logs.join('');
    expect(everything).not.toContain('wrong-pa55-0000');
    expect(everything).not.toContain(SMTP_PASSWORD);
    expect(everything).not.toContain('token-9f8e7d6c5b4a');
  });

  it('batches warnings into one message per channel, sent by the next flush', async () => {
    const { sender } = senderWith();
    const first = alarm({ priority: 'high', title: 'Video job failed', source: 'video' });
    const second = alarm({
      priority: 'medium',
      title: 'Guardian alert',
      source: 'guardian',
      subject: 'fraud',
    });
    expect(await sender.send(first)).toEqual({ route: 'batch', deliveredTo: [], undelivered: [] });
    expect(await sender.send(second)).toEqual({ route: 'batch', deliveredTo: [], undelivered: [] });
    expect(postsFor(slack, first.alarmId)).toHaveLength(0);

    expect(await sender.flushWarnings()).toBeGreaterThanOrEqual(2);
    sender.close();
    for (const receiver of [slack, discord, webhook]) {
      const posts = receiver.requests.filter(
        (q) => q.rawBody.includes(first.alarmId) && q.rawBody.includes(second.alarmId),
      );
      expect(posts).toHaveLength(1);
    }
    const [hook] = postsFor(webhook, first.alarmId);
    expect((hook.body as { batch_id: string }).batch_id).toMatch(/^batch:/);
    const mails = smtp.mails.filter((m) => m.raw.includes(first.alarmId) && m.raw.includes(second.alarmId));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/^\d+ warnings from mlops-guardian/);
    // A second flush finds nothing of ours.
    await sender.flushWarnings();
    expect(postsFor(slack, first.alarmId)).toHaveLength(1);
  });

  it('sends a duplicate-job alarm at once whatever its priority', async () => {
    const { sender } = senderWith();
    const a = alarm({ priority: 'low', immediate: true, kind: 'duplicate_job', source: 'bridge' });
    expect((await sender.send(a)).route).toBe('now');
    sender.close();
    expect(postsFor(slack, a.alarmId)).toHaveLength(1);
  });

  it('keeps low-priority alarms for the daily report instead of sending them', async () => {
    const { sender } = senderWith();
    const a = alarm({ priority: 'low', title: 'Duplicate upload ignored', time: '2026-03-04T10:00:00.000Z' });
    expect(await sender.send(a)).toEqual({ route: 'summary', deliveredTo: [], undelivered: [] });
    sender.close();
    expect(postsFor(slack, a.alarmId)).toHaveLength(0);
    const info = await readInformationAlarms(pool, {
      start: '2026-03-04T00:00:00.000Z',
      end: '2026-03-05T00:00:00.000Z',
    });
    expect(info.alarms).toContainEqual(
      expect.objectContaining({ alarmId: a.alarmId, title: 'Duplicate upload ignored', source: 'video' }),
    );

    // The day's report lists it: the one place a person sees the alarms nobody was sent.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'alarm-report-'));
    const window = reportWindow('2026-03-04', 'UTC');
    const report = buildDailyReport(
      window,
      emptyAggregate(window.startMs, window.endMs),
      { directories: [], files: [], skippedOlderFiles: 0, directoryProblems: [] },
      Date.now(),
    );
    const written = await createWriteDailyReport({
      config: testConfig({ REPORT_OUTPUT_DIR: out }),
      logger,
      pool,
    })(report);
    expect(written.summary).toMatch(/Information alarms: \d+/);
    expect(written.summary).toContain(`video uploads/cam-7.mp4: Duplicate upload ignored`);
    const json = JSON.parse(fs.readFileSync(written.jsonPath, 'utf8'));
    expect(json.informationAlarms.alarms).toContainEqual(expect.objectContaining({ alarmId: a.alarmId }));
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('forgets alarms older than the retention, but not a warning still waiting for its batch', async () => {
    const { sender } = senderWith();
    const old = alarm({ priority: 'low', time: '2020-01-01T00:00:00.000Z' });
    const waiting = alarm({ priority: 'medium', time: '2020-01-01T00:00:00.000Z' });
    await sender.send(old);
    await sender.send(waiting);
    await sender.prune();
    sender.close();
    const { rows } = await pool.query('SELECT alarm_id FROM alarms WHERE alarm_id = ANY($1)', [
      [old.alarmId, waiting.alarmId],
    ]);
    expect(rows.map((r) => r.alarm_id)).toEqual([waiting.alarmId]);
  });
});
