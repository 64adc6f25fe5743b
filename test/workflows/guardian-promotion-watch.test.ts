import type { EvaluationSettings } from '../../src/domain/evaluation/evaluation-settings';
import type { GuardianSettingsInput } from '../../src/domain/policy';
import { operatorCommandUpdate } from '../../src/workflows/guardian';
import { degradationEvent, driftEvent, systemEvent } from '../unit/policy/model-events';
import {
  ALL_DAY,
  type GuardianUnderTest,
  skipTo,
  useGuardianWorkflowEnv,
} from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * The watch after a promotion on the time-skipping test server, with recording fakes at the
 * activity boundary: a retrain promotes version 11 over version 10; a degradation within the
 * watch rolls back to version 10 at once, even inside a cooldown or outside business hours;
 * after the watch version 11 is stable and the policy applies as usual; the watch survives
 * continue-as-new.
 */

jest.setTimeout(300_000);

const MIN = 60_000;
const AUC: EvaluationSettings = { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' };
const WATCHING: GuardianSettingsInput = { ...ALL_DAY, evaluation: AUC, promotionWatchMinutes: 30 };

const t = useGuardianWorkflowEnv();

/** Sends a HIGH drift (a retrain at once) and waits until version 11 is promoted over version 10. */
async function promote(g: GuardianUnderTest) {
  const drift = driftEvent({ model: g.modelName, severity: 'HIGH' });
  const entry = await g.decide(drift, t.backends);
  expect(entry).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });
  expect(entry.result).toMatch(
    /promoted from version 10 to version 11; watching version 11 for 30 min \(until .+\): a degradation or failed health check rolls back to version 10 at once$/,
  );
  return entry;
}

function rollbacksOf(g: GuardianUnderTest) {
  return t.backends.callsFor(g.modelName, 'rollbackModel').map((c) => c.request);
}

/** Business hours of one hour, six hours from now: the test runs outside them. */
async function offHours(): Promise<GuardianSettingsInput['businessHours']> {
  const hour = (new Date(await t.env.currentTimeMs()).getUTCHours() + 6) % 24;
  // CRITICAL drift still retrains (and so promotes) outside them.
  return { startHour: hour, endHour: hour, criticalOverride: true };
}

describe('watch after promotion', () => {
  it('shows the watch in the state query and rolls back to the replaced version inside a ROLLBACK cooldown', async () => {
    const g = t.guardian('watch-cooldown', { settings: WATCHING });
    // A rollback before the promotion starts the 30-minute ROLLBACK cooldown of degradations.
    const first = await g.decide(degradationEvent({ model: g.modelName, drop: 0.12 }), t.backends);
    expect(first).toMatchObject({ action: 'ROLLBACK', status: 'succeeded' });
    const promotion = await promote(g);

    const state = await g.state();
    expect(state.promotionWatch).toMatchObject({
      fromVersion: '10',
      toVersion: '11',
      decisionId: promotion.id,
    });
    expect(Date.parse(state.promotionWatch!.until) - Date.parse(state.promotionWatch!.promotedAt)).toBe(
      30 * MIN,
    );
    expect(state.cooldowns.map((c) => c.key)).toContain('model_performance_degraded:ROLLBACK');

    const degraded = degradationEvent({ model: g.modelName, drop: 0.12 });
    const entry = await g.decide(degraded, t.backends);
    expect(entry).toMatchObject({ action: 'ROLLBACK', status: 'succeeded', executed: true });
    expect(entry.reason).toMatch(
      /^ROLLBACK to version 10: version 11 degraded within 30 min of its promotion \(watch until .+\); past cooldown; the policy alone: ROLLBACK \(skip\)/,
    );
    expect(entry.result).toBe('rolled back from version 11 to 10');
    expect(rollbacksOf(g).at(-1)).toMatchObject({ toVersion: '10', fromVersion: '11' });
    // The watch ends with its rollback.
    expect((await g.state()).promotionWatch).toBeUndefined();
  });

  it('rolls back on a failed health check outside business hours; after the watch, the policy as usual', async () => {
    const g = t.guardian('watch-hours', {
      settings: { ...WATCHING, businessHours: await offHours() },
    });
    const drift = driftEvent({ model: g.modelName, severity: 'CRITICAL' });
    const retrain = await g.decide(drift, t.backends);
    expect(retrain.result).toContain('watching version 11 for 30 min');

    const failed = systemEvent('service_health_check_failed', { model: g.modelName, severity: 'HIGH' });
    const entry = await g.decide(failed, t.backends);
    expect(entry).toMatchObject({ action: 'ROLLBACK', status: 'succeeded', tableAction: 'ROLLBACK' });
    expect(entry.reason).toMatch(
      /^ROLLBACK to version 10: version 11 failed its health check within 30 min of its promotion .*; past business-hours; the policy alone: ALERT/,
    );
    expect(rollbacksOf(g)).toEqual([expect.objectContaining({ toVersion: '10', fromVersion: '11' })]);
  });

  it('ends by itself after the period: version 11 is stable, and a later degradation gets the policy', async () => {
    const g = t.guardian('watch-ends', { settings: { ...WATCHING, businessHours: await offHours() } });
    const retrain = await g.decide(driftEvent({ model: g.modelName, severity: 'CRITICAL' }), t.backends);
    const { until } = (await g.state()).promotionWatch!;

    await skipTo(t.env, Date.parse(until) + MIN);
    const ended = await g.waitForEntry(`${retrain.id}:watch-ended`, t.backends);
    expect(ended).toMatchObject({ origin: 'promotion-watch', status: 'noted', executed: false });
    expect(ended.reason).toMatch(
      /^version 11 is stable: no degradation or failed health check within 30 min of its promotion from version 10/,
    );
    expect((await g.state()).promotionWatch).toBeUndefined();

    // Outside business hours, a HIGH degradation is an ALERT again, and nothing rolls back.
    const later = await g.decide(degradationEvent({ model: g.modelName, drop: 0.12 }), t.backends);
    expect(later).toMatchObject({ action: 'ALERT', tableAction: 'ROLLBACK' });
    expect(rollbacksOf(g)).toEqual([]);
  });

  it('keeps the watch across continue-as-new', async () => {
    const g = t.guardian('watch-carried', { settings: WATCHING, eventsPerRun: 2 });
    await promote(g);
    // The second event of the run: the run continues as new once it is idle.
    await g.send(systemEvent('system_overload', { model: g.modelName, severity: 'LOW' }));
    await g.waitUntilQuiet(t.backends, 2);
    const state = await g.state();
    expect(state.run).toBe(2);
    expect(state.promotionWatch).toMatchObject({ fromVersion: '10', toVersion: '11' });

    const entry = await g.decide(degradationEvent({ model: g.modelName, drop: 0.05 }), t.backends);
    expect(entry).toMatchObject({ action: 'ROLLBACK', tableAction: 'RETRAIN', status: 'succeeded' });
    expect(rollbacksOf(g)).toEqual([expect.objectContaining({ toVersion: '10', fromVersion: '11' })]);
  });

  it('starts no watch when it is set to 0 minutes', async () => {
    const g = t.guardian('watch-off', { settings: { ...WATCHING, promotionWatchMinutes: 0 } });
    const entry = await g.decide(driftEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(entry.result).toMatch(
      /promoted from version 10 to version 11; no watch after promotion \(promotion watch is 0 minutes\)$/,
    );
    expect((await g.state()).promotionWatch).toBeUndefined();
    const degraded = await g.decide(degradationEvent({ model: g.modelName, drop: 0.05 }), t.backends);
    expect(degraded).toMatchObject({ action: 'RETRAIN' });
  });

  it("an operator's forced ROLLBACK during the watch goes back to the replaced version and ends the watch", async () => {
    const g = t.guardian('watch-forced', { settings: WATCHING });
    await promote(g);
    const { entry } = await g.handle.executeUpdate(operatorCommandUpdate, {
      args: [
        { command: 'force-action', action: 'ROLLBACK', reason: 'users report bad scores', operator: 'ana' },
      ],
    });
    expect(entry.reason).toMatch(
      /^forced by operator ana: users report bad scores; version 11 is under watch since its promotion \(until .+\): back to version 10$/,
    );
    const done = await g.waitForEntry(entry.id, t.backends);
    expect(done).toMatchObject({ status: 'succeeded', result: 'rolled back from version 11 to 10' });
    expect(rollbacksOf(g)).toEqual([expect.objectContaining({ toVersion: '10', fromVersion: '11' })]);
    expect((await g.state()).promotionWatch).toBeUndefined();
  });

  it('replays every run without non-determinism', async () => {
    await replayAll(t.env, t.guardians, { name: 'guardian-watch', guardians: t.guardians.slice(0, 4) });
  });
});
