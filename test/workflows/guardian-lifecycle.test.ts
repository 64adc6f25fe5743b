import { WorkflowUpdateFailedError } from '@temporalio/client';

import { operatorCommandUpdate, type OperatorCommand } from '../../src/workflows/guardian';

import { degradationEvent, driftEvent, systemEvent } from '../unit/policy/model-events';
import { ALL_DAY, GuardianUnderTest, skipTo, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * The guardian as a long-lived entity: state carried across continue-as-new,
 * the operator update (pause/resume, clear a cooldown, force an action, settings) and dry-run.
 */

jest.setTimeout(300_000);

const t = useGuardianWorkflowEnv(async ({ env }) => {
  // Noon UTC: business hours, outside the maintenance window.
  const now = await env.currentTimeMs();
  const noon = new Date(now);
  noon.setUTCHours(12, 0, 0, 0);
  await skipTo(env, noon.getTime() > now ? noon.getTime() : noon.getTime() + 24 * 3600_000);
});

function operate(g: GuardianUnderTest, command: OperatorCommand) {
  return g.handle.executeUpdate(operatorCommandUpdate, { args: [command] });
}

describe('continue-as-new', () => {
  it('carries cooldowns, the pending retrain, pause and seen events into the next run, and loses no signal', async () => {
    const g = t.guardian('carry', { settings: ALL_DAY, eventsPerRun: 2 });
    t.fixtures.push(g);
    const medium = driftEvent({ model: g.modelName, severity: 'MEDIUM' });
    const overload = systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' });
    await g.decide(medium, t.backends);
    const before = await g.state();
    // Two events: the run ends once their actions and audit writes are done.
    await g.send(overload);
    await g.waitUntilQuiet(t.backends, 2);
    const second = await g.state();
    expect(second.run).toBe(2);
    expect(second.pendingRetrain).toEqual(before.pendingRetrain);
    expect(second.cooldowns.map((c) => c.key).sort()).toEqual([
      'data_drift_detected:RETRAIN',
      'system_overload:SCALE_UP',
    ]);
    expect(second.historySize).toBe(2);
    expect(second.counters.processedEvents).toBe(2);

    // The retrain deferred in the first run runs at the window, in the second.
    await skipTo(t.env, Date.parse(before.pendingRetrain!.runAt) + 1_000);
    const ran = await g.waitForEntry(`${medium.event_id}:window-run`, t.backends);
    expect(ran.status).toBe('succeeded');
    expect(
      t.backends.callsFor(g.modelName, 'runTrainingJob').map((c) => c.request.triggeringEventId),
    ).toEqual([medium.event_id]);

    // A burst while the guardian keeps continuing as new: every event is decided exactly once,
    // and redeliveries of events from the first run are still recognised.
    const burst = Array.from({ length: 7 }, () =>
      systemEvent('prediction_latency_high', { model: g.modelName }),
    );
    await g.sendAll([...burst, medium, overload], 9);
    await g.waitUntilQuiet(t.backends, 3 + burst.length);
    const after = await g.state();
    expect(after.run).toBeGreaterThanOrEqual(4);
    expect(after.counters).toMatchObject({ processedEvents: 2 + burst.length, duplicateEvents: 2 });
    expect(after.historySize).toBe(2 + 1 + burst.length);
    expect(t.backends.callsFor(g.modelName, 'scaleService')).toHaveLength(2); // one per event type, the rest in cooldown

    // A pause survives into the next run.
    await operate(g, { command: 'pause', reason: 'checking pause survives continue-as-new' });
    await g.sendAll(Array.from({ length: 3 }, () => systemEvent('gpu_hot', { model: g.modelName })));
    await g.waitUntilQuiet(t.backends, 3 + burst.length + 1 + 3);
    const paused = await g.state();
    expect(paused.run).toBeGreaterThan(after.run);
    expect(paused.paused?.reason).toBe('checking pause survives continue-as-new');
    expect(paused.counters.processedEvents).toBe(2 + burst.length + 3);
    // Nothing ran while paused: the only alert is the drift alert of the first event.
    expect(t.backends.callsFor(g.modelName, 'sendAlert').map((c) => c.request.alertId)).toEqual([
      `${medium.event_id}:drift`,
    ]);
  });
});

describe('hysteresis', () => {
  it('counts detections across continue-as-new: the second HIGH drift acts, the first waited', async () => {
    const g = t.guardian('hysteresis', {
      settings: { ...ALL_DAY, hysteresis: { data_drift_detected: { detections: 2, windowMinutes: 30 } } },
      eventsPerRun: 1,
    });
    t.fixtures.push(g);
    const first = await g.decide(driftEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(first.status).toBe('skipped');
    expect(first.reason).toContain('waiting for confirmation (1 of 2 detections in 30 min): RETRAIN not yet');
    const second = driftEvent({ model: g.modelName, severity: 'HIGH' });
    await g.send(second);
    const acted = await g.waitForEntry(second.event_id, t.backends);
    expect(acted.reason).toContain('confirmed: 2 of 2 detections in 30 min');
    expect((await g.state()).run).toBeGreaterThanOrEqual(2);
    expect(
      t.backends.callsFor(g.modelName, 'runTrainingJob').map((c) => c.request.triggeringEventId),
    ).toEqual([second.event_id]);
  });
});

describe('the operator update', () => {
  it('pauses and resumes auto-response, each with a reason in the audit trail', async () => {
    const g = t.guardian('pause');
    t.fixtures.push(g);
    await g.decide(systemEvent('system_overload', { model: g.modelName }), t.backends);

    await expect(operate(g, { command: 'pause', reason: '  ' })).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(operate(g, { command: 'resume', reason: 'nothing to resume' })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );

    const paused = await operate(g, {
      command: 'pause',
      reason: 'deploying a new feature pipeline',
      operator: 'alice',
    });
    expect(paused.entry).toMatchObject({
      action: 'PAUSE',
      origin: 'operator',
      reason: 'operator alice: deploying a new feature pipeline',
    });
    expect(paused.state.paused).toMatchObject({
      reason: 'deploying a new feature pipeline',
      operator: 'alice',
    });

    const event = degradationEvent({ model: g.modelName, severity: 'HIGH' });
    const whilePaused = await g.decide(event, t.backends);
    expect(whilePaused).toMatchObject({ status: 'paused', executed: false, action: 'ROLLBACK' });
    expect(whilePaused.reason).toContain('auto-response paused since');
    expect(whilePaused.reason).toContain('the policy would have: ROLLBACK');
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toEqual([]);

    const resumed = await operate(g, { command: 'resume', reason: 'pipeline deployed', operator: 'alice' });
    expect(resumed.state.paused).toBeNull();
    // Nothing ran while paused, so nothing is in cooldown: the next event acts.
    const next = await g.decide(degradationEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(next).toMatchObject({ status: 'succeeded', action: 'ROLLBACK' });

    await g.waitUntilIdle(3);
    const audit = t.backends.callsFor(g.modelName, 'recordDecision').map((c) => c.request);
    expect(audit.filter((r) => r.eventType === 'operator_command').map((r) => [r.action, r.reason])).toEqual([
      ['PAUSE', expect.stringContaining('operator alice: deploying a new feature pipeline')],
      ['RESUME', expect.stringContaining('operator alice: pipeline deployed')],
    ]);
    // Rejected commands left no trace in the history.
    expect((await g.history()).filter((e) => e.origin === 'operator')).toHaveLength(2);
  });

  it('clears a running cooldown, and refuses to clear one that is not running', async () => {
    const g = t.guardian('clear-cooldown');
    await g.decide(systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' }), t.backends);
    const skipped = await g.decide(
      systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' }),
      t.backends,
    );
    expect(skipped.status).toBe('skipped');

    await expect(
      operate(g, { command: 'clear-cooldown', cooldownKey: 'system_overload:RETRAIN', reason: 'typo' }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    const cleared = await operate(g, {
      command: 'clear-cooldown',
      cooldownKey: 'system_overload:SCALE_UP',
      reason: 'traffic spike is real, scale again',
    });
    expect(cleared.entry.result).toMatch(/^cooldown system_overload:SCALE_UP cleared \(it ran until /);
    expect(cleared.state.cooldowns).toEqual([]);
    const again = await g.decide(
      systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' }),
      t.backends,
    );
    expect(again.status).toBe('succeeded');
    expect(t.backends.callsFor(g.modelName, 'scaleService')).toHaveLength(2);
  });

  it('forces an action past the policy, recorded with the operator and reason', async () => {
    const g = t.guardian('force');
    t.fixtures.push(g);
    await g.decide(systemEvent('system_overload', { model: g.modelName, severity: 'LOW' }), t.backends);
    await expect(
      operate(g, { command: 'force-action', action: 'REBOOT' as never, reason: 'not an action' }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    const forced = await operate(g, {
      command: 'force-action',
      action: 'SCALE_DOWN',
      serviceName: 'fraud-api',
      reason: 'load test finished',
      operator: 'bob',
    });
    expect(forced.entry).toMatchObject({ action: 'SCALE_DOWN', origin: 'operator', status: 'running' });
    const done = await g.waitForEntry(forced.entry.id, t.backends);
    expect(done).toMatchObject({ status: 'succeeded', result: 'fraud-api: 2 → 1 instances' });
    expect(t.backends.callsFor(g.modelName, 'scaleService').map((c) => c.request)).toEqual([
      expect.objectContaining({
        delta: -1,
        serviceName: 'fraud-api',
        reason: 'forced by operator bob: load test finished',
      }),
    ]);
    const record = t.backends
      .callsFor(g.modelName, 'recordDecision')
      .find((c) => c.request.eventId === forced.entry.id);
    expect(record?.request).toMatchObject({
      action: 'SCALE_DOWN',
      executed: true,
      details: expect.objectContaining({ operator: 'bob' }),
    });
  });

  it('changes settings of a running guardian (here: dry-run on)', async () => {
    const g = t.guardian('settings');
    await g.decide(systemEvent('system_overload', { model: g.modelName }), t.backends);
    await expect(
      operate(g, { command: 'settings', settings: { timeZone: 'Mars/Base' }, reason: 'bad zone' }),
    ).rejects.toMatchObject({
      cause: { message: expect.stringContaining("timeZone 'Mars/Base' is not an IANA time zone") },
    });
    const changed = await operate(g, {
      command: 'settings',
      settings: { dryRun: true },
      reason: 'rehearse the new policy',
    });
    expect(changed.state.dryRun).toBe(true);
    const next = await g.decide(degradationEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(next.status).toBe('dry-run');
  });
});

describe('invalid start settings', () => {
  it('start the guardian paused on the defaults, saying what to fix, and nothing runs', async () => {
    const g = t.guardian('bad-settings', { settings: { timeZone: 'Europe/Atlantis' } });
    const entry = await g.decide(
      systemEvent('system_overload', { model: g.modelName, severity: 'HIGH' }),
      t.backends,
    );
    expect(entry).toMatchObject({ status: 'paused', action: 'SCALE_UP', executed: false });
    const view = await g.state();
    expect(view.paused?.reason).toContain("timeZone 'Europe/Atlantis' is not an IANA time zone");
    expect(view.settings.timeZone).toBe('UTC');
    expect(t.backends.actionsFor(g.modelName)).toEqual([]);
    // The operator fixes the settings and resumes; the guardian then acts.
    await operate(g, {
      command: 'settings',
      settings: { timeZone: 'Europe/Berlin', ...ALL_DAY },
      reason: 'fix zone',
    });
    await operate(g, { command: 'resume', reason: 'settings fixed' });
    const next = await g.decide(degradationEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(next).toMatchObject({ status: 'succeeded', action: 'ROLLBACK' });
  });
});

describe('dry-run', () => {
  it('decides and records everything, and runs nothing', async () => {
    const g = t.guardian('dry-run', { settings: { ...ALL_DAY, dryRun: true } });
    t.fixtures.push(g);
    const decisions = [];
    for (const event of [
      driftEvent({ model: g.modelName, severity: 'HIGH' }),
      driftEvent({ model: g.modelName, severity: 'HIGH' }),
      degradationEvent({ model: g.modelName, severity: 'HIGH' }),
      systemEvent('system_overload', { model: g.modelName }),
    ]) {
      decisions.push(await g.decide(event, t.backends));
    }
    expect(decisions.map((d) => `${d.action}:${d.status}`)).toEqual([
      'RETRAIN:dry-run',
      'RETRAIN:dry-run', // the policy's cooldown still applies: this one would have been skipped
      'ROLLBACK:dry-run',
      'SCALE_UP:dry-run',
    ]);
    expect(decisions[1].reason).toContain('cooldown data_drift_detected:RETRAIN runs until');
    expect(decisions.every((d) => d.reason.startsWith('dry run, nothing runs: '))).toBe(true);
    await g.waitUntilIdle(4);
    expect(t.backends.actionsFor(g.modelName)).toEqual([]);
    const audit = t.backends.callsFor(g.modelName, 'recordDecision').map((c) => c.request);
    expect(audit).toHaveLength(4);
    expect(
      audit.every((r) => r.executed === false && (r.details as { dryRun?: boolean }).dryRun === true),
    ).toBe(true);
  });
});

describe('replay', () => {
  it('replays every history recorded above without non-determinism', async () => {
    await replayAll(t.env, t.guardians, { name: 'guardian-lifecycle', guardians: t.fixtures });
  });
});
