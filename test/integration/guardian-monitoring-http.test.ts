import { createGuardianActivities } from '../../src/activities/guardian';
import { idempotencyKey } from '../../src/backends/http/idempotency-key';
import type { MonitoringRequest } from '../../src/contracts/guardian-activities';
import { startFakeHttpServer } from '../helpers/fake-http-server';
import { FakeMonitoringServer, startFakeMonitoringServer } from '../helpers/fake-monitoring-server';
import { GuardianTestContext, openGuardianTestContext } from '../helpers/guardian-activity-deps';
import { uniqueName } from '../helpers/stack';

describe('raiseMonitoring on an HTTP monitoring service (MONITORING_SERVICE_URL)', () => {
  let t: GuardianTestContext;
  let server: FakeMonitoringServer;
  beforeAll(async () => {
    t = await openGuardianTestContext();
    server = await startFakeMonitoringServer();
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const activities = (url = server.url) =>
    createGuardianActivities(t.depsWith({ MONITORING_SERVICE_URL: url }));
  const request = (modelName: string): MonitoringRequest => ({
    modelName,
    intervalSeconds: 30,
    durationSeconds: 7200,
    reason: 'LOW drift',
    triggeringEventId: uniqueName('evt'),
  });
  const rowsFor = async (model: string) =>
    (await t.pool.query('SELECT 1 FROM model_monitoring_overrides WHERE model_name = $1', [model])).rowCount;

  it('asks the service for 30 s checks for 2 h with an Idempotency-Key, and a retry gets the first end', async () => {
    const model = uniqueName('监控-模型');
    const req = request(model);
    const before = Date.now();
    const { until } = await activities().raiseMonitoring(req);
    expect(Date.parse(until)).toBeGreaterThanOrEqual(before + 7200_000);

    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('PUT');
    expect(sent.path).toBe(`/models/${encodeURIComponent(model)}/monitoring`);
    expect(sent.headers['idempotency-key']).toBe(idempotencyKey(model, req.triggeringEventId));
    expect(sent.body).toEqual({
      interval_seconds: 30,
      until,
      reason: 'LOW drift',
      triggering_event_id: req.triggeringEventId,
    });
    expect(server.raised.get(model)).toEqual({ intervalSeconds: 30, until });

    await new Promise((r) => setTimeout(r, 20));
    expect((await activities().raiseMonitoring(req)).until).toBe(until);
    // The service holds the raised frequency; the built-in table is not written beside it.
    expect(await rowsFor(model)).toBe(0);
  });

  it('a service that answers 503 is a retryable failure, and the retry raises the frequency', async () => {
    const model = uniqueName('monitor-503');
    const req = request(model);
    server.failNext(1);
    await expect(activities().raiseMonitoring(req)).rejects.toMatchObject({
      type: 'BackendUnavailable',
      nonRetryable: false,
      message: expect.stringMatching(/monitoring service answered HTTP 503 .*restarting/),
    });
    expect((await activities().raiseMonitoring(req)).until).toBe(server.raised.get(model)!.until);
  });

  it('an answer without a valid end is a non-retryable protocol error naming the field', async () => {
    const wrong = await startFakeHttpServer(() => ({ status: 200, body: { until: 'tomorrow' } }));
    try {
      await expect(
        activities(wrong.url).raiseMonitoring(request(uniqueName('monitor-bad'))),
      ).rejects.toMatchObject({
        type: 'BackendProtocolError',
        nonRetryable: true,
        message: expect.stringContaining('until'),
      });
    } finally {
      await wrong.close();
    }
  });

  it('a service that is not there is a retryable "unreachable" failure', async () => {
    const gone = await startFakeHttpServer(() => ({ status: 200 }));
    await gone.close();
    await expect(
      activities(gone.url).raiseMonitoring(request(uniqueName('monitor-gone'))),
    ).rejects.toMatchObject({
      type: 'BackendUnavailable',
      message: expect.stringMatching(/^monitoring service unreachable/),
    });
  });
});
