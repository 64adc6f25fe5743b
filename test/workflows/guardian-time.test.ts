import {
  COOLDOWN_MS,
  fromLocalDateTime,
  toLocalDateTime,
  utcOffsetMs,
  addCalendarDays,
  type GuardianSettingsInput,
} from '../../src/domain/policy';
import type { ModelEvent } from '../../src/domain/events';

import { degradationEvent, driftEvent, systemEvent } from '../unit/policy/model-events';
import { ALL_DAY, GuardianUnderTest, skipTo, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * Everything in the guardian that depends on the clock, on the time-skipping test server:
 * cooldowns ending exactly at their length, the frequency limit, MEDIUM drift waiting for the
 * maintenance window, and business-hour boundaries in Europe/Berlin on an ordinary day and on
 * both DST change days. The server's clock only moves forward, so the tests run in time order.
 */

jest.setTimeout(300_000);

const ZONE = 'Europe/Berlin';
const BERLIN: GuardianSettingsInput = { timeZone: ZONE };
const MIN = 60_000;

const t = useGuardianWorkflowEnv();

function guardian(prefix: string, settings: GuardianSettingsInput): GuardianUnderTest {
  return t.guardian(prefix, { settings });
}

/** The instant of a wall-clock time in Berlin on the given local date. */
function berlin(date: { year: number; month: number; day: number }, hour: number, minute: number): number {
  return fromLocalDateTime({ ...date, hour, minute }, ZONE);
}

/** The next local date after `fromMs` on which Berlin's UTC offset changes. */
function nextDstChangeDay(fromMs: number) {
  for (let t = fromMs; t < fromMs + 400 * 24 * 3600_000; t += 3600_000) {
    if (utcOffsetMs(t + 3600_000, ZONE) !== utcOffsetMs(t, ZONE)) return toLocalDateTime(t + 3600_000, ZONE);
  }
  throw new Error('no DST change within 400 days');
}

describe('cooldowns end exactly at their length', () => {
  // One guardian per action the table can produce; the first event starts the cooldown.
  const cases: Array<[keyof typeof COOLDOWN_MS, string, (model: string) => ModelEvent]> = [
    [
      'MONITOR',
      'system_overload:MONITOR',
      (model) => systemEvent('system_overload', { model, severity: 'LOW' }),
    ],
    ['ALERT', 'gpu_throttled:ALERT', (model) => systemEvent('gpu_throttled', { model })],
    [
      'SCALE_UP',
      'system_overload:SCALE_UP',
      (model) => systemEvent('system_overload', { model, severity: 'HIGH' }),
    ],
    [
      'ROLLBACK',
      'model_performance_degraded:ROLLBACK',
      (model) => degradationEvent({ model, severity: 'HIGH' }),
    ],
    [
      'RETRAIN',
      'model_performance_degraded:RETRAIN',
      (model) => degradationEvent({ model, severity: 'MEDIUM' }),
    ],
  ];

  it('skips one minute before the end and runs at the end, for every action (2, 5, 10, 30, 60 min)', async () => {
    const started = await Promise.all(
      cases.map(async ([action, key, make]) => {
        const g = guardian(`cooldown-${action.toLowerCase()}`, ALL_DAY);
        const first = await g.decide(make(g.modelName), t.backends);
        expect(first).toMatchObject({ action, status: 'succeeded' });
        return { g, action, key, make, t0: Date.parse(first.decidedAt) };
      }),
    );
    // Shortest cooldown first: the clock only moves forward.
    for (const { g, action, key, make, t0 } of started) {
      const length = COOLDOWN_MS[action];
      await skipTo(t.env, t0 + length - MIN);
      const before = await g.decide(make(g.modelName), t.backends);
      expect(before).toMatchObject({
        action,
        status: 'skipped',
        executed: false,
        cooldownUntil: new Date(t0 + length).toISOString(),
      });
      expect(before.reason).toContain(`cooldown ${key} runs until ${new Date(t0 + length).toISOString()}`);

      await skipTo(t.env, t0 + length);
      const atEnd = await g.decide(make(g.modelName), t.backends);
      expect(atEnd).toMatchObject({ action, status: 'succeeded', executed: true });
      const after = Date.parse(atEnd.decidedAt) - t0;
      expect(after).toBeGreaterThanOrEqual(length);
      expect(after).toBeLessThan(length + 30_000);
      expect(t.backends.actionsFor(g.modelName)).toHaveLength(2);
      // The guardian's state shows the new cooldown with its end time.
      const view = await g.state();
      expect(view.cooldowns).toEqual([
        expect.objectContaining({ key, until: new Date(Date.parse(atEnd.decidedAt) + length).toISOString() }),
      ]);
    }
  });
});

describe('frequency limit', () => {
  it('turns the response after more than three in the last hour into MONITOR', async () => {
    const g = guardian('frequency', ALL_DAY);
    const actions: string[] = [];
    const t0 = await t.env.currentTimeMs();
    for (let i = 0; i < 6; i++) {
      await skipTo(t.env, t0 + i * 11 * MIN);
      const entry = await g.decide(
        systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' }),
        t.backends,
      );
      actions.push(`${entry.action}:${entry.status}`);
      if (i === 4)
        expect(entry.reason).toContain(
          'frequency limit: 4 responses to system_overload in the last hour (more than 3)',
        );
    }
    expect(actions).toEqual([
      'SCALE_UP:succeeded',
      'SCALE_UP:succeeded',
      'SCALE_UP:succeeded',
      'SCALE_UP:succeeded',
      'MONITOR:succeeded',
      'MONITOR:succeeded',
    ]);
    expect(t.backends.actionsFor(g.modelName).map((c) => c.name)).toEqual([
      'scaleService',
      'scaleService',
      'scaleService',
      'scaleService',
      'raiseMonitoring',
      'raiseMonitoring',
    ]);
  });
});

describe('MEDIUM drift and the maintenance window (Europe/Berlin, 02:00–04:00)', () => {
  it('waits for the window, then retrains; a later HIGH drift retrains at once and cancels the wait', async () => {
    const now = await t.env.currentTimeMs();
    const today = toLocalDateTime(now, ZONE);
    let noon = berlin(today, 12, 0);
    if (noon <= now) noon = berlin(addCalendarDays(today, 1), 12, 0);
    await skipTo(t.env, noon);
    const windowStart = berlin(addCalendarDays(toLocalDateTime(noon, ZONE), 1), 2, 0);

    const waiting = guardian('window-wait', BERLIN);
    t.fixtures.push(waiting);
    const drift = driftEvent({
      model: waiting.modelName,
      severity: 'MEDIUM',
      version: `${waiting.modelName}@4`,
    });
    const scheduled = await waiting.decide(drift, t.backends);
    expect(scheduled).toMatchObject({
      action: 'RETRAIN',
      status: 'scheduled',
      executed: true,
      runAt: new Date(windowStart).toISOString(),
    });
    expect(scheduled.reason).toContain('retrain deferred to the maintenance window at');
    expect((await waiting.state()).pendingRetrain).toMatchObject({
      eventId: drift.event_id,
      runAt: new Date(windowStart).toISOString(),
    });

    const escalated = guardian('window-escalated', BERLIN);
    t.fixtures.push(escalated);
    const medium = driftEvent({ model: escalated.modelName, severity: 'MEDIUM' });
    await escalated.decide(medium, t.backends);
    await skipTo(t.env, noon + 5 * MIN);
    const high = driftEvent({ model: escalated.modelName, severity: 'HIGH' });
    const urgent = await escalated.decide(high, t.backends);
    expect(urgent).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });
    expect(urgent.reason).toContain(
      `cancels the retrain scheduled for ${new Date(windowStart).toISOString()} (event ${medium.event_id})`,
    );
    expect(t.backends.callsFor(escalated.modelName, 'runTrainingJob').map((c) => c.request.priority)).toEqual(
      ['high'],
    );
    expect((await escalated.history()).find((e) => e.id === medium.event_id)?.status).toBe('cancelled');
    expect((await escalated.state()).pendingRetrain).toBeNull();

    // A minute before the window: still waiting.
    await skipTo(t.env, windowStart - MIN);
    expect(t.backends.callsFor(waiting.modelName, 'runTrainingJob')).toEqual([]);

    // The window opens: the deferred retrain runs, at normal priority, for the triggering event.
    await skipTo(t.env, windowStart + 1_000);
    const ran = await waiting.waitForEntry(`${drift.event_id}:window-run`, t.backends);
    expect(ran).toMatchObject({
      origin: 'maintenance-window',
      action: 'RETRAIN',
      status: 'succeeded',
      triggeringEventId: drift.event_id,
    });
    // Decided when the window's timer fired (the test server's clock then runs on in real time).
    expect(Date.parse(ran.decidedAt)).toBeGreaterThanOrEqual(windowStart);
    expect(Date.parse(ran.decidedAt)).toBeLessThan(windowStart + 5_000);
    expect(t.backends.callsFor(waiting.modelName, 'runTrainingJob').map((c) => c.request)).toEqual([
      expect.objectContaining({ triggeringEventId: drift.event_id, priority: 'normal', modelVersion: '4' }),
    ]);
    expect((await waiting.state()).pendingRetrain).toBeNull();
    // The cancelled one never ran.
    expect(t.backends.callsFor(escalated.modelName, 'runTrainingJob')).toHaveLength(1);
  });
});

describe('business hours in Europe/Berlin (06:00–22:59)', () => {
  const BOUNDARIES: Array<[number, number, string]> = [
    [5, 59, 'ALERT'],
    [6, 0, 'ROLLBACK'],
    [22, 59, 'ROLLBACK'],
    [23, 0, 'ALERT'],
  ];

  /** A HIGH degradation (table: ROLLBACK) at each boundary of that local day, each to a fresh guardian. */
  async function checkDay(date: { year: number; month: number; day: number }, label: string) {
    for (const [hour, minute, expected] of BOUNDARIES) {
      const instant = berlin(date, hour, minute);
      await skipTo(t.env, instant);
      const g = guardian(`hours-${label}-${hour}${minute}`, BERLIN);
      const entry = await g.decide(degradationEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
      const local = toLocalDateTime(Date.parse(entry.decidedAt), ZONE);
      expect(`${local.hour}:${local.minute}`).toBe(`${hour}:${minute}`);
      expect(`${label} ${hour}:${minute} ${entry.action}`).toBe(`${label} ${hour}:${minute} ${expected}`);
      if (expected === 'ALERT') {
        expect(entry.reason).toContain(`is outside business hours 06:00–22:59: ROLLBACK → ALERT`);
        expect(t.backends.actionsFor(g.modelName).map((c) => c.name)).toEqual(['sendAlert']);
      } else {
        expect(t.backends.actionsFor(g.modelName).map((c) => c.name)).toEqual(['rollbackModel']);
      }
    }
  }

  it('holds at 05:59, 06:00, 22:59 and 23:00 on an ordinary day', async () => {
    const now = await t.env.currentTimeMs();
    await checkDay(addCalendarDays(toLocalDateTime(now, ZONE), 1), 'ordinary');
  });

  it('holds on the next DST change day, and on the one after it', async () => {
    const first = nextDstChangeDay(await t.env.currentTimeMs());
    const firstOffsets = [utcOffsetMs(berlin(first, 0, 0), ZONE), utcOffsetMs(berlin(first, 12, 0), ZONE)];
    expect(firstOffsets[0]).not.toBe(firstOffsets[1]); // really a change day
    await checkDay(first, 'dst1');
    const second = nextDstChangeDay(berlin(addCalendarDays(first, 1), 12, 0));
    await checkDay(second, 'dst2');
  });
});

describe('replay', () => {
  it('replays every history recorded above without non-determinism', async () => {
    await replayAll(t.env, t.guardians, { name: 'guardian-time', guardians: t.fixtures });
  });
});
