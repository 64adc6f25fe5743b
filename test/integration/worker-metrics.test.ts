import { NativeConnection, Worker } from '@temporalio/worker';
import { createGuardianActivities } from '../../src/activities/guardian';
import { createRaiseReportAlert } from '../../src/activities/report/raise-report-alert';
import { VideoMetrics } from '../../src/activities/video/metrics';
import type { DecisionRecord } from '../../src/contracts/guardian-activities';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { startWorkerHttpServer, type WorkerHttpServer } from '../../src/workers/worker-http-server';
import { FakeWebhookServer, startFakeWebhookServer } from '../helpers/fake-webhook-server';
import { GuardianTestContext, openGuardianTestContext } from '../helpers/guardian-activity-deps';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(60_000);

/** The value of one series in Prometheus text, e.g. `alarms_sent_total{channel="kafka",source="guardian"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('worker GET /metrics and /healthz (real activities, PostgreSQL, Kafka and a Temporal worker)', () => {
  let t: GuardianTestContext;
  let webhook: FakeWebhookServer & { webhookUrl: string };
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let http: WorkerHttpServer;
  const metrics = new WorkerMetrics();
  const videoMetrics = new VideoMetrics();

  beforeAll(async () => {
    t = await openGuardianTestContext();
    webhook = await startFakeWebhookServer();
    connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    worker = await Worker.create({
      connection,
      taskQueue: uniqueName('worker-metrics'),
      activities: createGuardianActivities({ ...t.depsWith(), workerMetrics: metrics }),
    });
    running = worker.run();
    http = await startWorkerHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: t.depsWith().logger,
      workerMetrics: metrics,
      videoMetrics,
      pool: t.pool,
      video: t.config.video,
      workerState: () => worker.getState(),
    });
  });
  afterAll(async () => {
    await http?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await webhook?.close();
    await t?.close();
  });

  const get = (path: string) => fetch(`http://127.0.0.1:${http.port}${path}`);
  const scrape = async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    return res.text();
  };

  function record(model: string, action: string, status: string, overrides: Partial<DecisionRecord> = {}) {
    return {
      modelName: model,
      eventId: uniqueName('evt'),
      eventType: 'system_overload',
      severity: 'HIGH',
      action,
      executed: status === 'succeeded',
      reason: 'test',
      decidedAt: new Date().toISOString(),
      details: { status },
      ...overrides,
    };
  }

  it('counts each decision once by action and outcome, however often its audit write is retried', async () => {
    const { recordDecision, recordDecisions } = createGuardianActivities({
      ...t.depsWith(),
      workerMetrics: metrics,
    });
    const model = uniqueName('metrics-model');
    const scaled = record(model, 'SCALE_UP', 'succeeded');
    const failed = record(model, 'ROLLBACK', 'failed');
    const skipped = record(model, 'SCALE_UP', 'skipped');
    await recordDecision(scaled);
    await recordDecision(scaled); // a retried attempt: the row is there already
    await recordDecisions([failed, skipped, scaled]);
    await recordDecisions([failed, skipped]);
    await expect(
      recordDecision(record(model, 'ALERT', 'succeeded', { decidedAt: 'not a time' })),
    ).rejects.toThrow();

    const text = await scrape();
    expect(sample(text, 'guardian_decisions_total{action="SCALE_UP",outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'guardian_decisions_total{action="SCALE_UP",outcome="skipped"}')).toBe(1);
    expect(sample(text, 'guardian_decisions_total{action="ROLLBACK",outcome="failed"}')).toBe(1);
    expect(sample(text, 'guardian_action_executions_total{action="SCALE_UP",result="succeeded"}')).toBe(1);
    expect(sample(text, 'guardian_action_executions_total{action="ROLLBACK",result="failed"}')).toBe(1);
    expect(text).not.toContain('guardian_action_executions_total{action="SCALE_UP",result="skipped"}');
    expect(sample(text, 'guardian_audit_write_failures_total')).toBe(1);
  });

  it('counts alarms by source and channel, their delivery latency, failed and undelivered deliveries', async () => {
    webhook.respondWith(200, 'ok');
    const deps = {
      ...t.depsWith({
        ALERT_WEBHOOK_URL: webhook.webhookUrl,
        ALERT_DELIVERY_ATTEMPTS: '2',
        ALERT_RETRY_INITIAL_SECONDS: '0.05',
      }),
      workerMetrics: metrics,
    };
    const { sendAlert } = createGuardianActivities(deps);
    const alert = {
      alertId: uniqueName('alert'),
      modelName: uniqueName('metrics-model'),
      title: 'overload',
      message: 'scale',
      priority: 'critical' as const,
      time: new Date(Date.now() - 2_000).toISOString(),
    };
    await sendAlert(alert);
    await sendAlert(alert); // a retry of a delivered alert delivers (and counts) nothing
    webhook.respondWith(500, 'down');
    // Given up on after two attempts: the alert still reached Kafka, the channel is counted.
    expect(await sendAlert({ ...alert, alertId: uniqueName('alert') })).toMatchObject({
      undelivered: ['slack'],
    });
    await createRaiseReportAlert(deps)({
      alertId: uniqueName('report-alert'),
      reportDate: '2026-03-01',
      title: 'Poor health',
      message: 'grade D',
      time: new Date().toISOString(),
    });

    const text = await scrape();
    expect(sample(text, 'alarms_sent_total{channel="kafka",source="guardian"}')).toBe(2);
    expect(sample(text, 'alarms_sent_total{channel="slack",source="guardian"}')).toBe(1);
    expect(sample(text, 'alarms_sent_total{channel="kafka",source="report"}')).toBe(1);
    expect(sample(text, 'alarm_delivery_failures_total{channel="slack",source="guardian"}')).toBe(2);
    expect(sample(text, 'alarms_undelivered_total{channel="slack",source="guardian"}')).toBe(1);
    expect(sample(text, 'alarm_delivery_latency_seconds_count{channel="kafka",source="guardian"}')).toBe(2);
    // Raised 2 s before it was sent: not in the 1 s bucket, in the 2.5 s one (the second only just later).
    expect(
      sample(text, 'alarm_delivery_latency_seconds_bucket{channel="slack",source="guardian",le="1"}'),
    ).toBe(0);
    expect(
      sample(text, 'alarm_delivery_latency_seconds_bucket{channel="slack",source="guardian",le="30"}'),
    ).toBe(1);
  });

  it('serves the video alarm gauges and process metrics beside them', async () => {
    videoMetrics.recordDbConnectionFailure(5 * 60_000);
    const text = await scrape();
    expect(sample(text, 'video_db_connection_failures_total')).toBe(1);
    expect(sample(text, 'video_db_connection_failures_window{window_minutes="5"}')).toBe(1);
    expect(text).toMatch(/^video_job_failure_rate_percent\{window_minutes="60"\} [\d.]+$/m);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('answers /healthz 200 while the worker runs and 503 once it has stopped; other paths 404, POST 405', async () => {
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', worker: 'RUNNING' });
    expect((await get('/nope')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${http.port}/metrics`, { method: 'POST' })).status).toBe(405);

    worker.shutdown();
    await running;
    const stopped = await get('/healthz');
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toEqual({ status: 'unavailable', worker: 'STOPPED' });
  });
});
