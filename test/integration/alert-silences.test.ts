import type { Pool } from 'pg';
import {
  type AlertSender,
  createConfiguredAlertSender,
  createSilence,
  expireSilence,
  listSilences,
  SilenceNotFound,
  startWarningBatches,
} from '../../src/backends/alerts';
import { createPgPool } from '../../src/clients/postgres';
import type { Alarm } from '../../src/contracts/alarms';
import { migrate } from '../../src/db/migrate';
import { validateSilence } from '../../src/domain/alerting/silence-matchers';
import { createLogger } from '../../src/logger';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { startScriptedReceiver } from '../helpers/fake-alert-receivers';
import { testConfig, uniqueName } from '../helpers/stack';

jest.setTimeout(60_000);

type Receiver = Awaited<ReturnType<typeof startScriptedReceiver>>;

describe('silences and inhibition on the alert path (real PostgreSQL, a real webhook receiver)', () => {
  let pool: Pool;
  let webhook: Receiver;
  const logger = createLogger({ level: 'silent', pretty: false });

  beforeAll(async () => {
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
    webhook = await startScriptedReceiver([{ status: 200, body: { received: true } }]);
  });
  afterAll(async () => {
    await webhook?.close();
    await pool?.end();
  });

  function senderWith(env: NodeJS.ProcessEnv = {}): { sender: AlertSender; metrics: WorkerMetrics } {
    const metrics = new WorkerMetrics();
    const config = testConfig({ ALERT_JSON_WEBHOOK_URL: webhook.hookUrl, ...env });
    return { sender: createConfiguredAlertSender(config, pool, logger, metrics), metrics };
  }

  function alarm(model: string, overrides: Partial<Alarm> = {}): Alarm {
    return {
      alarmId: uniqueName('alarm'),
      source: 'guardian',
      subject: model,
      kind: 'guardian_alert',
      title: `ROLLBACK failed for ${model}`,
      message: 'the registry refused',
      priority: 'critical',
      time: new Date().toISOString(),
      details: { model_name: model, action: 'ROLLBACK', source_event_type: 'performance_degradation' },
      ...overrides,
    };
  }

  const posted = (id: string) => webhook.requests.filter((r) => r.rawBody.includes(id)).length;

  async function row(alarmId: string) {
    const { rows } = await pool.query(
      'SELECT route, suppressed, suppressed_by, batch_id FROM alarms WHERE alarm_id = $1',
      [alarmId],
    );
    return rows[0] as { route: string; suppressed: string | null; suppressed_by: string | null } | undefined;
  }

  async function silence(matchers: Record<string, string>, endsAt = new Date(Date.now() + 3_600_000)) {
    const checked = validateSilence(
      { matchers, creator: 'ana', comment: 'planned maintenance', endsAt: endsAt.toISOString() },
      new Date(),
    );
    if (!checked.ok) throw new Error(checked.error);
    return createSilence(pool, checked.silence);
  }

  it('a silenced alarm is not sent but recorded with the silence id and counted', async () => {
    const model = uniqueName('fraud');
    const s = await silence({ model, action: 'ROLLBACK' });
    const { sender, metrics } = senderWith();
    const a = alarm(model);
    const dispatch = await sender.send(a);
    sender.close();

    expect(dispatch).toEqual({
      route: 'now',
      deliveredTo: [],
      undelivered: [],
      suppressed: { reason: 'silenced', by: s.silenceId },
    });
    expect(posted(a.alarmId)).toBe(0);
    expect(await row(a.alarmId)).toMatchObject({ suppressed: 'silenced', suppressed_by: s.silenceId });
    expect(metrics.render()).toContain('alarms_suppressed_total{reason="silenced",source="guardian"} 1');
  });

  it('an alarm the silence does not match goes out as before', async () => {
    const model = uniqueName('fraud');
    await silence({ model, action: 'RETRAIN' });
    const { sender } = senderWith();
    const a = alarm(model);
    expect(await sender.send(a)).toEqual({ route: 'now', deliveredTo: ['webhook'], undelivered: [] });
    sender.close();
    expect(posted(a.alarmId)).toBe(1);
    expect(await row(a.alarmId)).toMatchObject({ suppressed: null });
  });

  it('a silence ends by itself at its end time, and an expired one holds nothing back', async () => {
    const model = uniqueName('fraud');
    const short = await silence({ model }, new Date(Date.now() + 1500));
    const { sender } = senderWith();
    const during = alarm(model);
    expect((await sender.send(during)).suppressed).toEqual({ reason: 'silenced', by: short.silenceId });

    await new Promise((resolve) => setTimeout(resolve, 1600));
    const after = alarm(model);
    expect((await sender.send(after)).deliveredTo).toEqual(['webhook']);

    const long = await silence({ model });
    expect((await listSilences(pool)).map((s) => s.silenceId)).toContain(long.silenceId);
    const expired = await expireSilence(pool, long.silenceId);
    expect(expired.expiredAt).toBeDefined();
    expect((await listSilences(pool)).map((s) => s.silenceId)).not.toContain(long.silenceId);
    const later = alarm(model);
    expect((await sender.send(later)).deliveredTo).toEqual(['webhook']);
    sender.close();
    expect([posted(during.alarmId), posted(after.alarmId), posted(later.alarmId)]).toEqual([0, 1, 1]);
  });

  it('expiring an unknown or already ended silence is a clear error and changes nothing', async () => {
    await expect(expireSilence(pool, 'no-such-silence')).rejects.toBeInstanceOf(SilenceNotFound);
    const s = await silence({ model: uniqueName('fraud') });
    await expireSilence(pool, s.silenceId);
    const before = (await listSilences(pool, { all: true })).find((x) => x.silenceId === s.silenceId);
    await expect(expireSilence(pool, s.silenceId)).rejects.toThrow(/no active silence with id/);
    const after = (await listSilences(pool, { all: true })).find((x) => x.silenceId === s.silenceId);
    expect(after).toEqual(before);
  });

  it('a silenced warning is never claimed by a warning batch', async () => {
    const model = uniqueName('fraud');
    const s = await silence({ model, priority: 'high' });
    const { sender } = senderWith();
    const warning = alarm(model, { priority: 'high' });
    expect(await sender.send(warning)).toMatchObject({ route: 'batch', suppressed: { by: s.silenceId } });
    await sender.flushWarnings();
    sender.close();
    expect(posted(warning.alarmId)).toBe(0);
    expect(await row(warning.alarmId)).toMatchObject({
      route: 'batch',
      suppressed: 'silenced',
      batch_id: null,
    });
  });

  it('a warning waiting for its batch is held back by a silence created meanwhile', async () => {
    const model = uniqueName('fraud');
    const { sender, metrics } = senderWith();
    const waiting = alarm(model, { priority: 'medium' });
    const other = alarm(uniqueName('churn'), { priority: 'medium' });
    expect(await sender.send(waiting)).toEqual({ route: 'batch', deliveredTo: [], undelivered: [] });
    await sender.send(other);
    const s = await silence({ model });
    await sender.flushWarnings();
    sender.close();
    expect(posted(waiting.alarmId)).toBe(0);
    expect(posted(other.alarmId)).toBe(1);
    expect(await row(waiting.alarmId)).toMatchObject({ suppressed: 'silenced', suppressed_by: s.silenceId });
    expect(metrics.render()).toContain('alarms_suppressed_total{reason="silenced",source="guardian"} 1');
  });

  it('a firing critical inhibits lower-priority alarms for the same model, naming itself', async () => {
    const model = uniqueName('fraud');
    const { sender, metrics } = senderWith({ ALERT_INHIBIT_MINUTES: '30' });
    const critical = alarm(model);
    expect((await sender.send(critical)).deliveredTo).toEqual(['webhook']);

    const warning = alarm(model, { priority: 'high', alarmId: uniqueName('warning') });
    expect(await sender.send(warning)).toMatchObject({
      route: 'batch',
      suppressed: { reason: 'inhibited', by: critical.alarmId },
    });
    const medium = alarm(model, { priority: 'medium', immediate: true });
    expect((await sender.send(medium)).suppressed).toEqual({ reason: 'inhibited', by: critical.alarmId });
    // Another critical is never inhibited; another model is not touched.
    const second = alarm(model);
    expect((await sender.send(second)).deliveredTo).toEqual(['webhook']);
    const other = alarm(uniqueName('churn'), { priority: 'high', immediate: true });
    expect((await sender.send(other)).deliveredTo).toEqual(['webhook']);
    sender.close();

    expect(posted(warning.alarmId) + posted(medium.alarmId)).toBe(0);
    expect(await row(warning.alarmId)).toMatchObject({
      suppressed: 'inhibited',
      suppressed_by: critical.alarmId,
    });
    expect(metrics.render()).toContain('alarms_suppressed_total{reason="inhibited",source="guardian"} 2');
  });

  it('critical alarms of one model and event type within ALERT_GROUP_WAIT_SECONDS go out as one message', async () => {
    const model = uniqueName('fraud');
    const { sender } = senderWith({ ALERT_GROUP_WAIT_SECONDS: '2' });
    const first = alarm(model);
    const second = alarm(model);
    const otherType = alarm(model, {
      details: { model_name: model, source_event_type: 'data_drift_detected' },
    });
    const dispatch = await sender.send(first);
    expect(dispatch).toMatchObject({
      route: 'now',
      deliveredTo: [],
      grouped: { groupKey: `${model}|performance_degradation` },
    });
    expect((await sender.send(second)).grouped?.sendAt).toBe(dispatch.grouped?.sendAt);
    expect((await sender.send(otherType)).grouped?.groupKey).toBe(`${model}|data_drift_detected`);

    // Not before the group is due.
    expect(await sender.flushGroups()).toBe(0);
    expect(posted(first.alarmId) + posted(second.alarmId) + posted(otherType.alarmId)).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(await sender.flushGroups()).toBe(3);
    expect(await sender.flushGroups()).toBe(0);
    sender.close();
    const both = webhook.requests.filter((r) => r.rawBody.includes(first.alarmId));
    expect(both).toHaveLength(1);
    const body = both[0].body as { batch_id: string; alerts: { alert_id: string }[] };
    expect(body.batch_id).toMatch(/^group:/);
    expect(body.alerts.map((a) => a.alert_id).sort()).toEqual([first.alarmId, second.alarmId].sort());
    expect(posted(otherType.alarmId)).toBe(1);
  });

  it('a new group of a key waits ALERT_GROUP_INTERVAL_SECONDS after its last group went out', async () => {
    const model = uniqueName('fraud');
    const { sender } = senderWith({ ALERT_GROUP_WAIT_SECONDS: '1', ALERT_GROUP_INTERVAL_SECONDS: '30' });
    const first = alarm(model);
    await sender.send(first);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await sender.flushGroups()).toBe(1);
    const sentAt = Date.now();

    // The key's next alarm opens a group due 30 s after the last one went out, not 1 s from now.
    const next = await sender.send(alarm(model));
    const dueIn = Date.parse(next.grouped!.sendAt) - sentAt;
    expect(dueIn).toBeGreaterThan(25_000);
    expect(dueIn).toBeLessThan(35_000);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await sender.flushGroups()).toBe(0);

    // Another key of the same model has no recent group: only the wait.
    const otherKey = await sender.send(
      alarm(model, { details: { model_name: model, source_event_type: 'data_drift_detected' } }),
    );
    expect(Date.parse(otherKey.grouped!.sendAt) - Date.now()).toBeLessThan(5_000);
    sender.close();
    expect(posted(first.alarmId)).toBe(1);
  });

  it("the workers' group tick sends a due group without anyone asking", async () => {
    const { sender } = senderWith({ ALERT_GROUP_WAIT_SECONDS: '1' });
    const ticks = startWarningBatches(sender, 600_000, logger, 200);
    const a = alarm(uniqueName('fraud'));
    expect((await sender.send(a)).grouped).toBeDefined();
    const deadline = Date.now() + 15_000;
    while (posted(a.alarmId) === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await ticks.stop();
    sender.close();
    expect(posted(a.alarmId)).toBe(1);
  });

  it('an approval request reaches people past a matching silence, a firing critical and a group wait', async () => {
    const model = uniqueName('fraud');
    await silence({ model });
    const { sender, metrics } = senderWith({ ALERT_INHIBIT_MINUTES: '30', ALERT_GROUP_WAIT_SECONDS: '60' });
    // A critical alarm of the model fires first: it is silenced, and it still counts as firing.
    const critical = alarm(model);
    expect((await sender.send(critical)).suppressed?.reason).toBe('silenced');
    const request = alarm(model, {
      alarmId: `${uniqueName('drift')}:approval-request`,
      title: `Approval needed: ROLLBACK on ${model} (HIGH)`,
      priority: 'high',
      immediate: true,
      answerNeeded: true,
    });
    const criticalRequest = alarm(model, {
      alarmId: `${uniqueName('degr')}:approval-request`,
      immediate: true,
      answerNeeded: true,
    });
    // The same alarm without answerNeeded is held back, so the rules above do apply to it.
    const plain = alarm(model, { priority: 'high', immediate: true });
    expect((await sender.send(plain)).suppressed?.reason).toBe('silenced');

    expect(await sender.send(request)).toEqual({ route: 'now', deliveredTo: ['webhook'], undelivered: [] });
    expect(await sender.send(criticalRequest)).toEqual({
      route: 'now',
      deliveredTo: ['webhook'],
      undelivered: [],
    });
    sender.close();
    expect([posted(request.alarmId), posted(criticalRequest.alarmId), posted(plain.alarmId)]).toEqual([
      1, 1, 0,
    ]);
    // Recorded in the alarms table as sent, like any alarm that went out at once.
    expect(await row(request.alarmId)).toMatchObject({ route: 'now', suppressed: null, suppressed_by: null });
    expect(await row(criticalRequest.alarmId)).toMatchObject({ route: 'now', suppressed: null });
    expect(metrics.render()).toContain('alarms_suppressed_total{reason="silenced",source="guardian"} 2');
  });

  it('inhibition ends after ALERT_INHIBIT_MINUTES, and 0 turns it off', async () => {
    const model = uniqueName('fraud');
    const { sender } = senderWith({ ALERT_INHIBIT_MINUTES: '30' });
    const old = alarm(model, { time: new Date(Date.now() - 31 * 60_000).toISOString() });
    await sender.send(old);
    const warning = alarm(model, { priority: 'high', immediate: true });
    expect((await sender.send(warning)).deliveredTo).toEqual(['webhook']);

    const recent = alarm(model);
    await sender.send(recent);
    sender.close();
    const { sender: off } = senderWith({ ALERT_INHIBIT_MINUTES: '0' });
    const notInhibited = alarm(model, { priority: 'high', immediate: true });
    expect((await off.send(notInhibited)).deliveredTo).toEqual(['webhook']);
    off.close();
  });
});
