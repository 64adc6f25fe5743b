import { NO_STABLE_VERSION_FAILURE } from '../../src/contracts/guardian-activities';
import { guardianHistoryQuery } from '../../src/workflows/guardian/definitions';
import { MODEL_NAME, LAST_ACTION, LAST_SEVERITY } from '../../src/contracts/search-attributes';

import { degradationEvent, driftEvent, eventOfType, systemEvent } from '../unit/policy/model-events';
import { eventually, skipTo, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * The guardian workflow runs each row of the action table through real activities' boundaries
 * (recording fakes), on the time-skipping test server: what a backend is asked to do, what the
 * history and the audit trail say, duplicates, unknown event types and failing backends.
 */

jest.setTimeout(180_000);

const t = useGuardianWorkflowEnv();

const ROWS: Array<[string, string, string, string, string]> = [
  ['data_drift_detected', 'MONITOR', 'RETRAIN', 'RETRAIN', 'RETRAIN'],
  ['model_performance_degraded', 'MONITOR', 'RETRAIN', 'ROLLBACK', 'ROLLBACK'],
  ['system_overload', 'MONITOR', 'SCALE_UP', 'SCALE_UP', 'SCALE_UP'],
  ['prediction_latency_high', 'MONITOR', 'SCALE_UP', 'SCALE_UP', 'SCALE_UP'],
  ['service_health_check_failed', 'ALERT', 'ROLLBACK', 'ROLLBACK', 'ROLLBACK'],
  ['embedding_store_unreachable', 'ALERT', 'ALERT', 'ALERT', 'ALERT'],
];

const BACKEND_CALL: Record<string, string> = {
  RETRAIN: 'runTrainingJob',
  ROLLBACK: 'rollbackModel',
  SCALE_UP: 'scaleService',
  ALERT: 'sendAlert',
  MONITOR: 'raiseMonitoring',
};

describe('each row of the action table, through the guardian', () => {
  // Noon UTC: business hours, and outside the 02:00–04:00 maintenance window MEDIUM drift waits for.
  beforeAll(async () => {
    const now = await t.env.currentTimeMs();
    const noon = new Date(now);
    noon.setUTCHours(12, 0, 0, 0);
    await skipTo(t.env, noon.getTime() > now ? noon.getTime() : noon.getTime() + 24 * 3600_000);
  });

  it.each(ROWS)('%s: LOW %s, MEDIUM %s, HIGH %s, CRITICAL %s', async (type, ...actions) => {
    const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
    await Promise.all(
      severities.map(async (severity, i) => {
        const g = t.guardian(`table-${severity.toLowerCase()}`);
        const event = eventOfType(type, severity, { model: g.modelName });
        const entry = await g.decide(event, t.backends);
        const action = actions[i];
        expect(entry).toMatchObject({
          id: event.event_id,
          action,
          severity,
          tableAction: action,
          origin: 'event',
        });

        const calls = t.backends
          .actionsFor(g.modelName)
          .filter((c) => c.request.alertId !== `${event.event_id}:drift`);
        if (type === 'data_drift_detected' && severity === 'MEDIUM') {
          // Deferred to the maintenance window: a response now, but no training yet.
          expect(entry).toMatchObject({ status: 'scheduled', executed: true });
          expect(calls).toEqual([]);
          return;
        }
        expect(entry).toMatchObject({ status: 'succeeded', executed: true });
        expect(calls.map((c) => c.name)).toEqual([BACKEND_CALL[action]]);
        const request = calls[0].request;
        if (action === 'RETRAIN')
          expect(request).toMatchObject({
            priority: i >= 2 ? 'high' : 'normal',
            triggeringEventId: event.event_id,
          });
        if (action === 'SCALE_UP') expect(request).toMatchObject({ delta: 2, serviceName: 'fraud-api' });
        if (action === 'MONITOR')
          expect(request).toMatchObject({ intervalSeconds: 30, durationSeconds: 7200 });
        if (action === 'ALERT')
          expect(request).toMatchObject({
            alertId: `${event.event_id}:alert`,
            priority: severity.toLowerCase(),
          });
        const why = String(request.reason ?? request.message);
        expect(why).toContain(
          type.startsWith('embedding')
            ? `event type '${type}' is not in the action table`
            : `table ${type} × ${severity} → ${action}`,
        );

        // The audit trail got the decision once, with its reason.
        const audit = t.backends.callsFor(g.modelName, 'recordDecision');
        expect(audit).toHaveLength(1);
        expect(audit[0].request).toMatchObject({ eventId: event.event_id, action, executed: true, severity });
      }),
    );
  });
});

describe('drift alerts', () => {
  it('publishes a drift alert for every drift event, whatever the response', async () => {
    const g = t.guardian('drift-alert');
    t.fixtures.push(g);
    const first = driftEvent({ model: g.modelName, severity: 'HIGH', features: 4 });
    const second = driftEvent({ model: g.modelName, severity: 'HIGH' }); // lands in the RETRAIN cooldown
    await g.decide(first, t.backends);
    const skipped = await g.decide(second, t.backends);
    expect(skipped).toMatchObject({ status: 'skipped', executed: false });
    await g.waitUntilIdle(2);
    const driftAlerts = t.backends.callsFor(g.modelName, 'sendAlert').map((c) => c.request);
    expect(driftAlerts.map((a) => a.alertId).sort()).toEqual(
      [`${first.event_id}:drift`, `${second.event_id}:drift`].sort(),
    );
    const firstAlert = driftAlerts.find((a) => a.alertId === `${first.event_id}:drift`)!;
    expect(firstAlert).toMatchObject({ priority: 'high', title: `Data drift on ${g.modelName}: HIGH` });
    expect(firstAlert.message).toContain(
      'on 4 feature(s) (feature_0, feature_1, feature_2, feature_3); response: RETRAIN',
    );
  });
});

describe('alerts while their backend is down', () => {
  it('keeps retrying a drift alert through a one-minute outage (a database restart under the ledger) and sends it once it is back', async () => {
    const g = t.guardian('drift-alert-outage');
    t.fixtures.push(g);
    t.backends.failFor(g.modelName, 'sendAlert', {
      kind: 'retryable',
      message: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
    const event = driftEvent({ model: g.modelName, severity: 'LOW' });
    await g.decide(event, t.backends);
    const attempts = () =>
      t.backends
        .callsFor(g.modelName, 'sendAlert')
        .filter((c) => c.request.alertId === `${event.event_id}:drift`);
    // A minute of workflow time: 1 + 2 + 4 + 8 s, then every 10 s — well past the old 5 attempts.
    await skipTo(t.env, (await t.env.currentTimeMs()) + 60_000);
    await eventually(async () => (attempts().length >= 8 ? true : undefined), 'eight attempts of the alert');
    t.backends.recover(g.modelName, 'sendAlert');
    const failedBefore = attempts().length;
    await skipTo(t.env, (await t.env.currentTimeMs()) + 15_000);
    await eventually(async () => (attempts().length > failedBefore ? true : undefined), 'the alert sent');
    const view = await g.waitUntilIdle(1);
    expect(view.counters.failedActions).toBe(0);
    expect(attempts().length).toBe(failedBefore + 1);
  });
});

describe('explicit action_required and unknown event types', () => {
  it('lets action_required win over the table on a degradation', async () => {
    const g = t.guardian('explicit');
    t.fixtures.push(g);
    // LOW degradation → table says MONITOR; the event asks for ROLLBACK.
    const event = degradationEvent({
      model: g.modelName,
      severity: 'LOW',
      drop: 0.02,
      actionRequired: 'ROLLBACK',
    });
    const entry = await g.decide(event, t.backends);
    expect(entry).toMatchObject({ action: 'ROLLBACK', tableAction: 'ROLLBACK', status: 'succeeded' });
    expect(entry.reason).toContain(
      'table model_performance_degraded × LOW → MONITOR; action_required ROLLBACK wins over the table',
    );
    expect(t.backends.actionsFor(g.modelName).map((c) => c.name)).toEqual(['rollbackModel']);
  });

  it('records an ALERT with the reason for an event type it does not know', async () => {
    const g = t.guardian('unknown');
    const event = systemEvent('feature_store_stale', { model: g.modelName });
    const entry = await g.decide(event, t.backends);
    expect(entry).toMatchObject({ action: 'ALERT', status: 'succeeded', severity: 'MEDIUM' });
    expect(entry.reason).toContain('no severity in the event, MEDIUM assumed');
    expect(entry.reason).toContain("event type 'feature_store_stale' is not in the action table → ALERT");
  });
});

describe('duplicates and bad signals', () => {
  it('records a redelivered event id once and acts once', async () => {
    const g = t.guardian('duplicate');
    t.fixtures.push(g);
    const event = systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' });
    await g.decide(event, t.backends);
    await g.send(event);
    await g.send(event);
    const other = systemEvent('prediction_latency_high', { model: g.modelName, severity: 'HIGH' });
    await g.decide(other, t.backends);
    const view = await g.waitUntilIdle(4);
    expect(view.counters).toMatchObject({ processedEvents: 2, duplicateEvents: 2 });
    expect(view.historySize).toBe(2);
    expect(t.backends.callsFor(g.modelName, 'scaleService')).toHaveLength(2);
    expect(t.backends.callsFor(g.modelName, 'recordDecision').map((c) => c.request.eventId)).toEqual([
      event.event_id,
      other.event_id,
    ]);
  });

  it('decides the events of a batch signal in order, drops an event id seen before, and rejects a batch that is not a list', async () => {
    const g = t.guardian('batch');
    const first = systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' });
    await g.decide(first, t.backends);
    const second = systemEvent('prediction_latency_high', { model: g.modelName, severity: 'HIGH' });
    const third = driftEvent({ model: g.modelName, severity: 'LOW' });
    await g.sendBatch([first, second, third]);
    await g.sendBatch({ not: 'a list' });
    const view = await g.waitUntilIdle(4);
    expect(view.counters).toMatchObject({ processedEvents: 3, duplicateEvents: 1, rejectedSignals: 1 });
    // Decided in batch order (audit writes may finish in any order: actions take their time).
    const history = await g.handle.query(guardianHistoryQuery);
    expect(history.map((entry) => entry.id).reverse()).toEqual([
      first.event_id,
      second.event_id,
      third.event_id,
    ]);
  });

  it('records the decisions a batch signal took with one audit write, and an action when it has run', async () => {
    const g = t.guardian('batch-audit');
    const events = Array.from({ length: 5 }, () => driftEvent({ model: g.modelName, severity: 'LOW' }));
    await g.sendBatch(events);
    await g.waitUntilIdle(5);
    // The first raised monitoring (its row waits for the outcome); the rest fell in its cooldown.
    const ids = events.map((e) => e.event_id);
    expect(t.backends.callsFor(g.modelName, 'recordDecision').map((c) => c.request.eventId)).toEqual([
      ...ids.slice(1),
      ids[0],
    ]);
    const writes = t.backends.auditWrites.filter((w) => w.modelName === g.modelName).map((w) => w.rows);
    expect(writes).toEqual([4, 1]);
    // Every drift event's alert, in one batch.
    const alertIds = t.backends.callsFor(g.modelName, 'sendAlert').map((c) => c.request.alertId);
    expect(alertIds).toEqual(ids.map((id) => `${id}:drift`));
    expect(t.backends.alertWrites.filter((w) => w.modelName === g.modelName)).toEqual([
      { modelName: g.modelName, alerts: 5 },
    ]);
  });

  it('keeps running when a signal is not a valid event, and shows why it was rejected', async () => {
    const g = t.guardian('bad-signal');
    await g.decide(systemEvent('system_overload', { model: g.modelName }), t.backends);
    await g.send({ event_id: '', event_type: 'system_overload' } as never);
    await g.send(systemEvent('system_overload', { model: 'another-model' }));
    const next = systemEvent('prediction_latency_high', { model: g.modelName });
    await g.decide(next, t.backends);
    const view = await g.state();
    expect(view.counters).toMatchObject({ processedEvents: 2, rejectedSignals: 2 });
    expect(view.recentRejections.map((r) => r.reason)).toEqual([
      expect.stringContaining('invalid event: event_id: Too small'),
      expect.stringContaining(`event for model 'another-model' reached the guardian of '${g.modelName}'`),
    ]);
  });
});

describe('failing t.backends', () => {
  it('records a failed decision and alerts when no stable version exists for a rollback', async () => {
    const g = t.guardian('no-stable');
    t.fixtures.push(g);
    t.backends.failFor(g.modelName, 'rollbackModel', {
      kind: 'non-retryable',
      type: NO_STABLE_VERSION_FAILURE,
      message: `model ${g.modelName} has no stable version before 1`,
    });
    const event = degradationEvent({ model: g.modelName, severity: 'HIGH' });
    const entry = await g.decide(event, t.backends);
    expect(entry).toMatchObject({ action: 'ROLLBACK', status: 'failed', executed: false });
    expect(entry.result).toContain('no previous stable version to roll back to');
    expect(entry.result).toContain('failure alert sent');
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toHaveLength(1); // not retried
    const alert = t.backends.callsFor(g.modelName, 'sendAlert')[0].request;
    expect(alert).toMatchObject({
      alertId: `${event.event_id}:failure`,
      priority: 'high',
      title: `ROLLBACK failed for ${g.modelName}`,
    });
    const audit = t.backends.callsFor(g.modelName, 'recordDecision')[0].request;
    expect(audit).toMatchObject({ executed: false, details: expect.objectContaining({ status: 'failed' }) });

    // The guardian keeps going.
    const next = await g.decide(systemEvent('system_overload', { model: g.modelName }), t.backends);
    expect(next.status).toBe('succeeded');
    expect((await g.state()).counters.failedActions).toBe(1);
  });

  it('retries a backend that is down, then records the failure and alerts', async () => {
    const g = t.guardian('scaling-down');
    t.backends.failFor(g.modelName, 'scaleService', {
      kind: 'retryable',
      message: 'connect ECONNREFUSED 127.0.0.1:9',
    });
    const event = systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' });
    await g.send(event);
    // Retries back off 2 s, 4 s, 8 s, 16 s: move the test server's clock past them.
    for (let i = 0; i < 6 && t.backends.callsFor(g.modelName, 'scaleService').length < 5; i++)
      await t.env.sleep(20_000);
    const entry = await g.waitForEntry(event.event_id, t.backends);
    expect(t.backends.callsFor(g.modelName, 'scaleService').map((c) => c.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(entry).toMatchObject({ status: 'failed', executed: false });
    expect(entry.result).toContain('SCALE_UP failed: connect ECONNREFUSED 127.0.0.1:9; failure alert sent');
  });

  it('keeps retrying MONITOR through a database outage longer than 30 s, then records it done', async () => {
    const g = t.guardian('monitor-outage');
    t.backends.failFor(g.modelName, 'raiseMonitoring', {
      kind: 'retryable',
      message: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
    const event = driftEvent({ model: g.modelName, severity: 'LOW' });
    await g.send(event);
    // Retries back off 2, 4, 8, 16, 30, 30 … s: eight attempts span about 90 s of workflow time.
    for (let i = 0; i < 20 && t.backends.callsFor(g.modelName, 'raiseMonitoring').length < 8; i++)
      await t.env.sleep(15_000);
    expect(t.backends.callsFor(g.modelName, 'raiseMonitoring').length).toBeGreaterThanOrEqual(8);
    t.backends.recover(g.modelName, 'raiseMonitoring');
    await t.env.sleep(30_000);
    const entry = await g.waitForEntry(event.event_id, t.backends);
    expect(entry).toMatchObject({ action: 'MONITOR', status: 'succeeded', executed: true });
    expect(entry.result).toMatch(/^monitoring every \d+ s until /);
  });

  it('reports a training job that failed, without retrying it', async () => {
    const g = t.guardian('training-fails');
    t.backends.trainingFails.add(g.modelName);
    const entry = await g.decide(driftEvent({ model: g.modelName, severity: 'CRITICAL' }), t.backends);
    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'failed' });
    expect(entry.result).toMatch(/^training job job-1 failed: loss diverged; failure alert sent$/);
    expect(t.backends.callsFor(g.modelName, 'runTrainingJob')).toHaveLength(1);
  });
});

describe('inspection', () => {
  it('sets the model name, last action and last severity as search attributes', async () => {
    const g = t.guardian('search-attrs');
    await g.decide(degradationEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    const description = await g.handle.describe();
    expect(description.typedSearchAttributes.get(MODEL_NAME)).toBe(g.modelName);
    expect(description.typedSearchAttributes.get(LAST_ACTION)).toBe('ROLLBACK');
    expect(description.typedSearchAttributes.get(LAST_SEVERITY)).toBe('HIGH');
  });
});

describe('replay', () => {
  it('replays every history recorded above without non-determinism', async () => {
    await replayAll(t.env, t.guardians, { name: 'guardian-actions', guardians: t.fixtures });
  });
});
