import {
  applyDecision,
  decideResponse,
  emptyPolicyState,
  type GuardianSettings,
  type PolicyState,
  resolveGuardianSettings,
  startCooldown,
  takeDueRetrain,
} from '../../../src/domain/policy';
import type { ModelEvent } from '../../../src/domain/events';
import { degradationEvent, driftEvent, eventOfType, systemEvent } from './model-events';

const MIN = 60_000;
const NOON = Date.parse('2024-05-06T12:00:00Z'); // 14:00 in Berlin: business hours
const UTC = resolveGuardianSettings();
const BERLIN = resolveGuardianSettings({ timeZone: 'Europe/Berlin' });

/** Runs events through decide + apply, as the guardian does, returning every decision. */
function run(
  events: Array<[ModelEvent, number]>,
  settings: GuardianSettings = UTC,
  state: PolicyState = emptyPolicyState(),
) {
  const decisions = [];
  for (const [event, now] of events) {
    const decision = decideResponse(event, state, now, settings);
    state = applyDecision(state, decision, event);
    decisions.push(decision);
  }
  return { decisions, state };
}

describe('decideResponse: the action table in business hours, nothing in the way', () => {
  const rows: Array<[string, string, string, string, string]> = [
    ['data_drift_detected', 'MONITOR', 'RETRAIN', 'RETRAIN', 'RETRAIN'],
    ['model_performance_degraded', 'MONITOR', 'RETRAIN', 'ROLLBACK', 'ROLLBACK'],
    ['system_overload', 'MONITOR', 'SCALE_UP', 'SCALE_UP', 'SCALE_UP'],
    ['prediction_latency_high', 'MONITOR', 'SCALE_UP', 'SCALE_UP', 'SCALE_UP'],
    ['service_health_check_failed', 'ALERT', 'ROLLBACK', 'ROLLBACK', 'ROLLBACK'],
    ['queue_backlog_growing', 'ALERT', 'ALERT', 'ALERT', 'ALERT'],
  ];
  const cases = rows.flatMap(([type, ...actions]) =>
    (['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const).map(
      (severity, i) => [type, severity, actions[i]] as const,
    ),
  );

  it.each(cases)('%s at %s → %s', (type, severity, action) => {
    const decision = decideResponse(eventOfType(type, severity), emptyPolicyState(), NOON, UTC);
    expect(decision).toMatchObject({ severity, tableAction: action, action, executed: true, changedBy: [] });
    const deferred = type === 'data_drift_detected' && severity === 'MEDIUM';
    expect(decision.outcome).toBe(deferred ? 'defer' : 'execute');
    expect(decision.priority).toBe(severity === 'HIGH' || severity === 'CRITICAL' ? 'high' : 'normal');
    expect(decision.driftAlert).toBe(type === 'data_drift_detected');
    expect(decision.reason).toContain(
      type === 'queue_backlog_growing'
        ? `event type '${type}' is not in the action table → ALERT`
        : `table ${type} × ${severity} → ${action}`,
    );
  });
});

describe('decideResponse: explicit action_required on degradation wins over the table', () => {
  it.each([
    ['LOW', 0.01, 'RETRAIN', 'MONITOR', 'RETRAIN'],
    ['LOW', 0.01, 'ROLLBACK', 'MONITOR', 'ROLLBACK'],
    ['MEDIUM', 0.05, 'ROLLBACK', 'RETRAIN', 'ROLLBACK'],
    [undefined, 0.12, 'RETRAIN', 'ROLLBACK', 'RETRAIN'],
    [undefined, 0.2, 'NONE', 'ROLLBACK', 'ROLLBACK'],
  ])(
    'labelled %p, drop %p, action_required %s: table %s → %s',
    (severity, drop, required, tableSays, action) => {
      const decision = decideResponse(
        degradationEvent({ severity, drop, actionRequired: required }),
        emptyPolicyState(),
        NOON,
        UTC,
      );
      expect(decision.action).toBe(action);
      expect(decision.reason).toContain(`→ ${tableSays}`);
      if (required !== 'NONE' && tableSays !== action)
        expect(decision.reason).toContain(`action_required ${required} wins over the table`);
    },
  );

  it('still goes through the guards (business hours turn it into an ALERT)', () => {
    const night = Date.parse('2024-05-06T23:30:00Z');
    const decision = decideResponse(
      degradationEvent({ severity: 'LOW', actionRequired: 'ROLLBACK' }),
      emptyPolicyState(),
      night,
      UTC,
    );
    expect(decision).toMatchObject({
      tableAction: 'ROLLBACK',
      action: 'ALERT',
      changedBy: ['business-hours'],
    });
  });
});

describe('decideResponse: guard 1, business hours', () => {
  const berlinAt = (iso: string) => Date.parse(iso);

  it.each([
    ['2024-05-06T03:59:00Z', 'ALERT'], // 05:59 CEST
    ['2024-05-06T04:00:00Z', 'ROLLBACK'], // 06:00 CEST
    ['2024-05-06T20:59:00Z', 'ROLLBACK'], // 22:59 CEST
    ['2024-05-06T21:00:00Z', 'ALERT'], // 23:00 CEST
    ['2024-10-27T04:59:00Z', 'ALERT'], // fall-back day: 05:59 CET
    ['2024-10-27T05:00:00Z', 'ROLLBACK'], // 06:00 CET
    ['2024-10-27T21:59:00Z', 'ROLLBACK'], // 22:59 CET
    ['2024-10-27T22:00:00Z', 'ALERT'], // 23:00 CET
  ])('ROLLBACK for a HIGH degradation at %s (Berlin) → %s', (iso, expected) => {
    const decision = decideResponse(
      degradationEvent({ severity: 'HIGH' }),
      emptyPolicyState(),
      berlinAt(iso),
      BERLIN,
    );
    expect(decision.action).toBe(expected);
    if (expected === 'ALERT') {
      expect(decision.changedBy).toEqual(['business-hours']);
      expect(decision.reason).toMatch(/is outside business hours 06:00–22:59: ROLLBACK → ALERT/);
      expect(decision.reason).toContain('Europe/Berlin');
    }
  });

  it('leaves SCALE_UP, ALERT and MONITOR alone at night', () => {
    const night = Date.parse('2024-05-06T01:00:00Z');
    for (const [type, severity, action] of [
      ['system_overload', 'HIGH', 'SCALE_UP'],
      ['service_health_check_failed', 'LOW', 'ALERT'],
      ['data_drift_detected', 'LOW', 'MONITOR'],
    ]) {
      expect(decideResponse(eventOfType(type, severity), emptyPolicyState(), night, UTC).action).toBe(action);
    }
  });

  it('lets CRITICAL through at night only when the override is on', () => {
    const night = Date.parse('2024-05-06T01:00:00Z');
    const override = resolveGuardianSettings({ businessHours: { criticalOverride: true } });
    const critical = driftEvent({ score: 0.9 });
    const high = driftEvent({ score: 0.7 });
    expect(decideResponse(critical, emptyPolicyState(), night, UTC).action).toBe('ALERT');
    const overridden = decideResponse(critical, emptyPolicyState(), night, override);
    expect(overridden.action).toBe('RETRAIN');
    expect(overridden.reason).toContain('but CRITICAL overrides business hours');
    expect(decideResponse(high, emptyPolicyState(), night, override).action).toBe('ALERT');
  });
});

describe('decideResponse: guard 2, frequency limit', () => {
  it('turns the response after more than three in the last hour into MONITOR', () => {
    const events = Array.from(
      { length: 6 },
      (_, i) =>
        [systemEvent('system_overload', { severity: 'HIGH' }), NOON + i * 11 * MIN] as [ModelEvent, number],
    );
    const { decisions } = run(events);
    expect(decisions.map((d) => d.action)).toEqual([
      'SCALE_UP',
      'SCALE_UP',
      'SCALE_UP',
      'SCALE_UP',
      'MONITOR',
      'MONITOR',
    ]);
    expect(decisions[4].changedBy).toEqual(['frequency-limit']);
    expect(decisions[4].reason).toContain(
      'frequency limit: 4 responses to system_overload in the last hour (more than 3): SCALE_UP → MONITOR',
    );
    expect(decisions[5].reason).toContain('5 responses');
  });

  it('does not count skipped decisions as responses', () => {
    // Same minute: the 2nd..5th land in the SCALE_UP cooldown and are skipped; no limit trips.
    const events = Array.from(
      { length: 5 },
      (_, i) =>
        [systemEvent('system_overload', { severity: 'HIGH' }), NOON + i * MIN] as [ModelEvent, number],
    );
    const { decisions } = run(events);
    expect(decisions.map((d) => `${d.action}:${d.executed}`)).toEqual([
      'SCALE_UP:true',
      'SCALE_UP:false',
      'SCALE_UP:false',
      'SCALE_UP:false',
      'SCALE_UP:false',
    ]);
  });

  it('counts responses at exactly now − 1 h', () => {
    const events: Array<[ModelEvent, number]> = [0, 11, 22, 33].map((m) => [
      systemEvent('system_overload'),
      NOON + m * MIN,
    ]);
    const { state } = run(events);
    const exactlyAnHourLater = decideResponse(systemEvent('system_overload'), state, NOON + 60 * MIN, UTC);
    expect(exactlyAnHourLater.action).toBe('MONITOR');
    const justAfter = decideResponse(systemEvent('system_overload'), state, NOON + 60 * MIN + 1, UTC);
    expect(justAfter.action).toBe('SCALE_UP');
  });

  it('applies after business hours, and the cooldown then keys on the final action', () => {
    const night = Date.parse('2024-05-06T00:00:00Z');
    const events: Array<[ModelEvent, number]> = [0, 6, 12, 18, 24].map((m) => [
      degradationEvent({ severity: 'HIGH' }),
      night + m * MIN,
    ]);
    const { decisions } = run(events);
    expect(decisions.map((d) => d.action)).toEqual(['ALERT', 'ALERT', 'ALERT', 'ALERT', 'MONITOR']);
    expect(decisions[4].changedBy).toEqual(['business-hours', 'frequency-limit']);
    expect(decisions[4].cooldownKey).toBe('model_performance_degraded:MONITOR');
  });
});

describe('decideResponse: guard 3, cooldowns', () => {
  it('skips within the cooldown and says until when; runs again exactly at its end', () => {
    const first = systemEvent('system_overload');
    const { state } = run([[first, NOON]]);
    const oneMinuteBefore = decideResponse(systemEvent('system_overload'), state, NOON + 9 * MIN, UTC);
    expect(oneMinuteBefore).toMatchObject({
      outcome: 'skip',
      executed: false,
      changedBy: ['cooldown'],
      cooldownUntil: NOON + 10 * MIN,
    });
    expect(oneMinuteBefore.reason).toContain(
      `cooldown system_overload:SCALE_UP runs until 2024-05-06T12:10:00.000Z (started by event ${first.event_id}): skipped`,
    );
    const atBoundary = decideResponse(systemEvent('system_overload'), state, NOON + 10 * MIN, UTC);
    expect(atBoundary).toMatchObject({ outcome: 'execute', executed: true, cooldownUntil: NOON + 20 * MIN });
    expect(atBoundary.reason).toContain('cooldown system_overload:SCALE_UP until 2024-05-06T12:20:00.000Z');
  });

  it('does not change the state for a skipped decision', () => {
    const { state } = run([[systemEvent('system_overload'), NOON]]);
    const skipped = decideResponse(systemEvent('system_overload'), state, NOON + MIN, UTC);
    const after = applyDecision(state, skipped, {});
    expect(after.recentResponses).toHaveLength(1);
    expect(after.cooldowns['system_overload:SCALE_UP'].until).toBe(NOON + 10 * MIN);
  });
});

describe('decideResponse: MEDIUM drift and the maintenance window', () => {
  it('defers to the next window start, counts as a response and starts the RETRAIN cooldown', () => {
    const event = driftEvent({ severity: 'MEDIUM', version: 'fraud-detector@7' });
    const { decisions, state } = run([[event, NOON]], BERLIN);
    expect(decisions[0]).toMatchObject({
      outcome: 'defer',
      executed: true,
      action: 'RETRAIN',
      runAt: Date.parse('2024-05-07T00:00:00Z'),
    });
    expect(decisions[0].reason).toContain(
      'retrain deferred to the maintenance window at 2024-05-07 02:00 Europe/Berlin',
    );
    expect(state.pendingRetrain).toMatchObject({
      eventId: event.event_id,
      runAt: Date.parse('2024-05-07T00:00:00Z'),
      modelVersion: '7',
    });
    expect(state.cooldowns['data_drift_detected:RETRAIN'].until).toBe(NOON + 60 * MIN);
    expect(state.recentResponses).toHaveLength(1);
  });

  it('keeps at most one pending retrain per model', () => {
    const { decisions, state } = run([
      [driftEvent({ severity: 'MEDIUM' }), NOON],
      [driftEvent({ severity: 'MEDIUM' }), NOON + 61 * MIN],
    ]);
    expect(decisions[1]).toMatchObject({ outcome: 'skip', executed: false, changedBy: ['pending-retrain'] });
    expect(decisions[1].reason).toContain('a retrain is already scheduled for 2024-05-07T02:00:00.000Z');
    expect(state.pendingRetrain?.eventId).toBe(decisions[0].eventId);
  });

  it('runs now when the event arrives inside the window (and business hours allow it)', () => {
    const allDay = resolveGuardianSettings({ businessHours: { startHour: 0, endHour: 23 } });
    const decision = decideResponse(
      driftEvent({ severity: 'MEDIUM' }),
      emptyPolicyState(),
      Date.parse('2024-05-06T02:30:00Z'),
      allDay,
    );
    expect(decision.outcome).toBe('execute');
    expect(decision.reason).toContain(
      'MEDIUM drift inside the maintenance window 02:00–04:00 UTC: retrain now',
    );
  });

  it('a later HIGH drift retrains now, cancels the pending one and is not held back by its cooldown', () => {
    const { decisions, state } = run([
      [driftEvent({ severity: 'MEDIUM' }), NOON],
      [driftEvent({ severity: 'HIGH' }), NOON + 5 * MIN],
    ]);
    expect(decisions[1]).toMatchObject({
      outcome: 'execute',
      executed: true,
      action: 'RETRAIN',
      priority: 'high',
      cancelsPendingRetrainOf: decisions[0].eventId,
    });
    expect(decisions[1].reason).toContain('cancels the retrain scheduled for 2024-05-07T02:00:00.000Z');
    expect(decisions[1].reason).toContain('whose cooldown is waived');
    expect(state.pendingRetrain).toBeUndefined();
    expect(state.cooldowns['data_drift_detected:RETRAIN'].until).toBe(NOON + 65 * MIN);
    // A third HIGH drift right after is in the cooldown the urgent retrain started.
    const third = decideResponse(driftEvent({ severity: 'HIGH' }), state, NOON + 6 * MIN, UTC);
    expect(third.outcome).toBe('skip');
  });

  it('a degradation retrain also cancels the pending drift retrain', () => {
    const { decisions, state } = run([
      [driftEvent({ severity: 'MEDIUM' }), NOON],
      [degradationEvent({ severity: 'MEDIUM' }), NOON + 5 * MIN],
    ]);
    expect(decisions[1].cancelsPendingRetrainOf).toBe(decisions[0].eventId);
    expect(state.pendingRetrain).toBeUndefined();
  });

  it('a HIGH drift held back at night leaves the pending retrain in place', () => {
    const evening = Date.parse('2024-05-06T22:30:00Z');
    const { decisions, state } = run([
      [driftEvent({ severity: 'MEDIUM' }), evening - 2 * 60 * MIN],
      [driftEvent({ severity: 'HIGH' }), evening + 31 * MIN],
    ]);
    expect(decisions[1].action).toBe('ALERT');
    expect(state.pendingRetrain?.eventId).toBe(decisions[0].eventId);
  });

  it('hands the pending retrain over once its window starts, not before', () => {
    const { state } = run([[driftEvent({ severity: 'MEDIUM' }), NOON]]);
    const runAt = state.pendingRetrain!.runAt;
    expect(takeDueRetrain(state, runAt - 1).due).toBeUndefined();
    const taken = takeDueRetrain(state, runAt);
    expect(taken.due?.runAt).toBe(runAt);
    expect(taken.state.pendingRetrain).toBeUndefined();
  });
});

describe('decideResponse: other rules', () => {
  it('records an unknown event type as an ALERT with the reason', () => {
    const decision = decideResponse(
      systemEvent('feature_store_stale', { severity: 'bogus' }),
      emptyPolicyState(),
      NOON,
      UTC,
    );
    expect(decision).toMatchObject({ action: 'ALERT', severity: 'MEDIUM', executed: true });
    expect(decision.reason).toBe(
      "severity MEDIUM (unrecognised severity 'bogus', MEDIUM assumed); event type 'feature_store_stale' is not in the action table → ALERT; cooldown feature_store_stale:ALERT until 2024-05-06T12:05:00.000Z",
    );
  });

  it('explains a raised severity, the table, a guard and the cooldown in one reason', () => {
    const night = Date.parse('2024-05-06T23:15:00Z');
    const decision = decideResponse(
      driftEvent({ severity: 'low', score: 0.85 }),
      emptyPolicyState(),
      night,
      UTC,
    );
    expect(decision.reason).toBe(
      'severity CRITICAL (event said LOW; raised: drift_score 0.85 > 0.8); table data_drift_detected × CRITICAL → RETRAIN; ' +
        '2024-05-06 23:15 UTC is outside business hours 06:00–22:59: RETRAIN → ALERT; cooldown data_drift_detected:ALERT until 2024-05-06T23:20:00.000Z',
    );
  });

  it('keeps state small: expired cooldowns and old responses are pruned on every decision', () => {
    const old: PolicyState = {
      cooldowns: { 'x:ALERT': startCooldown('x', 'ALERT', NOON - 3 * 60 * MIN, 'e0') },
      recentResponses: [{ eventType: 'x', action: 'ALERT', at: NOON - 3 * 60 * MIN, eventId: 'e0' }],
    };
    const { state } = run([[systemEvent('system_overload'), NOON]], UTC, old);
    expect(Object.keys(state.cooldowns)).toEqual(['system_overload:SCALE_UP']);
    expect(state.recentResponses.map((r) => r.eventType)).toEqual(['system_overload']);
  });
});
