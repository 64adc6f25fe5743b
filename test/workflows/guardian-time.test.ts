import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  COOLDOWN_MS,
  fromLocalDateTime,
  toLocalDateTime,
  utcOffsetMs,
  addCalendarDays,
  type GuardianSettingsInput,
} from '../../src/domain/policy';
import type { ModelEvent } from '../../src/domain/events';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { uniqueName } from '../helpers/stack';
import { degradationEvent, driftEvent, systemEvent } from '../unit/policy/model-events';
import {
  ALL_DAY,
  GuardianUnderTest,
  RecordingBackends,
  skipTo,
  startGuardianWorker,
} from './guardian/harness';
import { replayAll } from './guardian/replay';

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

let env: TestWorkflowEnvironment;
let backends: RecordingBackends;
let stopWorker: () => Promise<void>;
const guardians: GuardianUnderTest[] = [];
/** Guardians whose histories are kept as replay fixtures (RECORD_GUARDIAN_HISTORIES=1). */
const fixtures: GuardianUnderTest[] = [];

function guardian(prefix: string, settings: GuardianSettingsInput): GuardianUnderTest {
  const g = new GuardianUnderTest(env, uniqueName(prefix), { settings });
  guardians.push(g);
  return g;
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

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  backends = new RecordingBackends();
  stopWorker = await startGuardianWorker(env, backends);
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

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
        const first = await g.decide(make(g.modelName), backends);
        expect(first).toMatchObject({ action, status: 'succeeded' });
        return { g, action, key, make, t0: Date.parse(first.decidedAt) };
      }),
    );
    // Shortest cooldown first: the clock only moves forward.
    for (const { g, action, key, make, t0 } of started) {
      const length = COOLDOWN_MS[action];
      await skipTo(env, t0 + length - MIN);
      const before = await g.decide(make(g.modelName), backends);
      expect(before).toMatchObject({
        action,
        status: 'skipped',
        executed: false,
        cooldownUntil: new Date(t0 + length).toISOString(),
      });
      expect(before.reason).toContain(`cooldown ${key} runs until ${new Date(t0 + length).toISOString()}`);

      await skipTo(env, t0 + length);
      const atEnd = await g.decide(make(g.modelName), backends);
      expect(atEnd).toMatchObject({ action, status: 'succeeded', executed: true });
      const after = Date.parse(atEnd.decidedAt) - t0;
      expect(after).toBeGreaterThanOrEqual(length);
      expect(after).toBeLessThan(length + 30_000);
      expect(backends.actionsFor(g.modelName)).toHaveLength(2);
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
    const t0 = await env.currentTimeMs();
    for (let i = 0; i < 6; i++) {
      await skipTo(env, t0 + i * 11 * MIN);
      const entry = await g.decide(
        systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' }),
        backends,
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
    expect(backends.actionsFor(g.modelName).map((c) => c.name)).toEqual([
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
    const now = await env.currentTimeMs();
    const today = toLocalDateTime(now, ZONE);
    let noon = berlin(today, 12, 0);
    if (noon <= now) noon = berlin(addCalendarDays(today, 1), 12, 0);
    await skipTo(env, noon);
    const windowStart = berlin(addCalendarDays(toLocalDateTime(noon, ZONE), 1), 2, 0);

    const waiting = guardian('window-wait', BERLIN);
    fixtures.push(waiting);
    const drift = driftEvent({
      model: waiting.modelName,
      severity: 'MEDIUM',
      version: `${waiting.modelName}@4`,
    });
    const scheduled = await waiting.decide(drift, backends);
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
    fixtures.push(escalated);
    const medium = driftEvent({ model: escalated.modelName, severity: 'MEDIUM' });
    await escalated.decide(medium, backends);
    await skipTo(env, noon + 5 * MIN);
    const high = driftEvent({ model: escalated.modelName, severity: 'HIGH' });
    const urgent = await escalated.decide(high, backends);
    expect(urgent).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });
    expect(urgent.reason).toContain(
      `cancels the retrain scheduled for ${new Date(windowStart).toISOString()} (event ${medium.event_id})`,
    );
    expect(backends.callsFor(escalated.modelName, 'runTrainingJob').map((c) => c.request.priority)).toEqual([
      'high',
    ]);
    expect((await escalated.history()).find((e) => e.id === medium.event_id)?.status).toBe('cancelled');
    expect((await escalated.state()).pendingRetrain).toBeNull();

    // A minute before the window: still waiting.
    await skipTo(env, windowStart - MIN);
    expect(backends.callsFor(waiting.modelName, 'runTrainingJob')).toEqual([]);

    // The window opens: the deferred retrain runs, at normal priority, for the triggering event.
    await skipTo(env, windowStart + 1_000);
    const ran = await waiting.waitForEntry(`${drift.event_id}:window-run`, backends);
    expect(ran).toMatchObject({
      origin: 'maintenance-window',
      action: 'RETRAIN',
      status: 'succeeded',
      triggeringEventId: drift.event_id,
    });
    // Decided when the window's timer fired (the test server's clock then runs on in real time).
    expect(Date.parse(ran.decidedAt)).toBeGreaterThanOrEqual(windowStart);
    expect(Date.parse(ran.decidedAt)).toBeLessThan(windowStart + 5_000);
    expect(backends.callsFor(waiting.modelName, 'runTrainingJob').map((c) => c.request)).toEqual([
      expect.objectContaining({ triggeringEventId: drift.event_id, priority: 'normal', modelVersion: '4' }),
    ]);
    expect((await waiting.state()).pendingRetrain).toBeNull();
    // The cancelled one never ran.
    expect(backends.callsFor(escalated.modelName, 'runTrainingJob')).toHaveLength(1);
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
      await skipTo(env, instant);
      const g = guardian(`hours-${label}-${hour}${minute}`, BERLIN);
      const entry = await g.decide(degradationEvent({ model: g.modelName, severity: 'HIGH' }), backends);
      const local = toLocalDateTime(Date.parse(entry.decidedAt), ZONE);
      expect(`${local.hour}:${local.minute}`).toBe(`${hour}:${minute}`);
      expect(`${label} ${hour}:${minute} ${entry.action}`).toBe(`${label} ${hour}:${minute} ${expected}`);
      if (expected === 'ALERT') {
        expect(entry.reason).toContain(`is outside business hours 06:00–22:59: ROLLBACK → ALERT`);
        expect(backends.actionsFor(g.modelName).map((c) => c.name)).toEqual(['sendAlert']);
      } else {
        expect(backends.actionsFor(g.modelName).map((c) => c.name)).toEqual(['rollbackModel']);
      }
    }
  }

  it('holds at 05:59, 06:00, 22:59 and 23:00 on an ordinary day', async () => {
    const now = await env.currentTimeMs();
    await checkDay(addCalendarDays(toLocalDateTime(now, ZONE), 1), 'ordinary');
  });

  it('holds on the next DST change day, and on the one after it', async () => {
    const first = nextDstChangeDay(await env.currentTimeMs());
    const firstOffsets = [utcOffsetMs(berlin(first, 0, 0), ZONE), utcOffsetMs(berlin(first, 12, 0), ZONE)];
    expect(firstOffsets[0]).not.toBe(firstOffsets[1]); // really a change day
    await checkDay(first, 'dst1');
    const second = nextDstChangeDay(berlin(addCalendarDays(first, 1), 12, 0));
    await checkDay(second, 'dst2');
  });
});

describe('replay', () => {
  it('replays every history recorded above without non-determinism', async () => {
    await replayAll(env, guardians, { name: 'guardian-time', guardians: fixtures });
  });
});
