import { createGuardianActivities } from '../../src/activities/guardian';
import type { DecisionRecord } from '../../src/contracts/guardian-activities';
import { readDecisionHistory } from '../../src/backends/audit/decision-log';
import { activeMonitoringOverride } from '../../src/backends/monitoring/monitoring-overrides';
import { uniqueName } from '../helpers/stack';
import { GuardianTestContext, openGuardianTestContext } from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

describe('guardian audit trail and monitoring overrides (PostgreSQL)', () => {
  let t: GuardianTestContext;
  beforeAll(async () => {
    t = await openGuardianTestContext();
  });
  afterAll(async () => {
    await t?.close();
  });

  function decision(
    modelName: string,
    eventId: string,
    overrides: Partial<DecisionRecord> = {},
  ): DecisionRecord {
    return {
      modelName,
      eventId,
      eventType: 'data_drift_detected',
      severity: 'HIGH',
      action: 'RETRAIN',
      executed: true,
      reason: 'drift_score 0.7 > 0.6 raised MEDIUM to HIGH; table: RETRAIN',
      decidedAt: '2025-03-01T10:00:00.000Z',
      details: { drift_score: 0.7 },
      ...overrides,
    };
  }

  it('records a decision once per (model, event), keeping the first one', async () => {
    const { recordDecision } = createGuardianActivities(t.depsWith());
    const model = uniqueName('audit-model');
    await recordDecision(decision(model, 'evt-1'));
    // A retried activity, and a later duplicate delivery that would say something else.
    await recordDecision(decision(model, 'evt-1'));
    await recordDecision(
      decision(model, 'evt-1', { executed: false, action: 'MONITOR', reason: 'duplicate event' }),
    );

    const { rows } = await t.pool.query(
      'SELECT action, executed, reason, details FROM guardian_decisions WHERE model_name = $1',
      [model],
    );
    expect(rows).toEqual([
      {
        action: 'RETRAIN',
        executed: true,
        reason: 'drift_score 0.7 > 0.6 raised MEDIUM to HIGH; table: RETRAIN',
        details: { drift_score: 0.7 },
      },
    ]);
  });

  it('records a batch in one write: new rows added, rows already there and repeats inside it keep the first', async () => {
    const { recordDecision, recordDecisions } = createGuardianActivities(t.depsWith());
    const model = uniqueName('audit-batch');
    await recordDecision(decision(model, 'evt-1'));
    const skipped = { action: 'MONITOR', executed: false, reason: 'cooldown' };
    await recordDecisions([
      decision(model, 'evt-1', skipped),
      decision(model, 'evt-2'),
      decision(model, 'evt-2', skipped),
      decision(model, 'evt-3', skipped),
    ]);
    // A retried attempt of the same batch changes nothing.
    await recordDecisions([decision(model, 'evt-3')]);

    const { rows } = await t.pool.query(
      'SELECT event_id, action FROM guardian_decisions WHERE model_name = $1 ORDER BY event_id',
      [model],
    );
    expect(rows).toEqual([
      { event_id: 'evt-1', action: 'RETRAIN' },
      { event_id: 'evt-2', action: 'RETRAIN' },
      { event_id: 'evt-3', action: 'MONITOR' },
    ]);
  });

  it('keeps the same event id of two different models apart and lists a model history newest first', async () => {
    const { recordDecision } = createGuardianActivities(t.depsWith());
    const a = uniqueName('audit-a');
    const b = uniqueName('audit-b');
    await recordDecision(decision(a, 'shared-evt', { decidedAt: '2025-03-01T10:00:00.000Z' }));
    await recordDecision(decision(b, 'shared-evt'));
    await recordDecision(
      decision(a, 'evt-2', {
        decidedAt: '2025-03-01T11:00:00.000Z',
        action: 'ALERT',
        executed: false,
        reason: 'cooldown',
      }),
    );

    const history = await readDecisionHistory(t.pool, a, 10);
    expect(history.map((d) => [d.eventId, d.action, d.executed, d.decidedAt])).toEqual([
      ['evt-2', 'ALERT', false, '2025-03-01T11:00:00.000Z'],
      ['shared-evt', 'RETRAIN', true, '2025-03-01T10:00:00.000Z'],
    ]);
    expect(await readDecisionHistory(t.pool, a, 1)).toHaveLength(1);
    expect(await readDecisionHistory(t.pool, b, 10)).toHaveLength(1);
  });

  it('raises monitoring to 30 s for 2 h, and a retry returns the same end', async () => {
    const { raiseMonitoring } = createGuardianActivities(t.depsWith());
    const model = uniqueName('monitor-model');
    const request = {
      modelName: model,
      intervalSeconds: 30,
      durationSeconds: 7200,
      reason: 'LOW drift',
      triggeringEventId: 'evt-m',
    };
    const before = Date.now();
    const { until } = await raiseMonitoring(request);
    const after = Date.now();
    expect(Date.parse(until)).toBeGreaterThanOrEqual(before + 7200_000);
    expect(Date.parse(until)).toBeLessThanOrEqual(after + 7200_000);

    await new Promise((r) => setTimeout(r, 20));
    expect((await raiseMonitoring(request)).until).toBe(until);

    const active = await activeMonitoringOverride(t.pool, model, new Date());
    expect(active).toMatchObject({ modelName: model, intervalSeconds: 30, reason: 'LOW drift' });
    expect(active!.until.toISOString()).toBe(until);
    expect(await activeMonitoringOverride(t.pool, model, new Date(Date.parse(until) + 1))).toBeUndefined();
  });

  it('refuses a monitoring request without a positive interval', async () => {
    const { raiseMonitoring } = createGuardianActivities(t.depsWith());
    await expect(
      raiseMonitoring({
        modelName: 'm',
        intervalSeconds: 0,
        durationSeconds: 60,
        reason: 'r',
        triggeringEventId: 'e',
      }),
    ).rejects.toMatchObject({ type: 'InvalidMonitoringRequest', nonRetryable: true });
  });
});
