import { driftEvent, degradationEvent } from '../unit/policy/model-events';
import { ALL_DAY, eventually, skipTo, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * A guardian's lifetime: one that starts without carried state (after an operator terminated it,
 * or after it ended idle) rebuilds its cooldowns, frequency window and recent decisions from the
 * audit trail; one with nothing to do for GUARDIAN_IDLE_MINUTES ends, unless ending would lose
 * something.
 */

jest.setTimeout(300_000);

const MIN = 60_000;

/** Moves the clock to the next noon UTC: business hours, outside the maintenance window. */
async function skipToNoon(env: Parameters<typeof skipTo>[0]): Promise<void> {
  const now = await env.currentTimeMs();
  const noon = new Date(now);
  noon.setUTCHours(12, 0, 0, 0);
  await skipTo(env, noon.getTime() > now ? noon.getTime() : noon.getTime() + 24 * 3600_000);
}

const t = useGuardianWorkflowEnv(async ({ env }) => skipToNoon(env));

async function statusOf(handle: { describe(): Promise<{ status: { name: string } }> }): Promise<string> {
  return (await handle.describe()).status.name;
}

describe('recall from the audit trail', () => {
  it('keeps a ROLLBACK cooldown when an operator terminates the guardian', async () => {
    const g = t.guardian('recall');
    t.fixtures.push(g);
    const first = degradationEvent({ model: g.modelName, severity: 'HIGH', drop: 0.12 });
    expect(await g.decide(first, t.backends)).toMatchObject({ action: 'ROLLBACK', status: 'succeeded' });

    await g.handle.terminate('operator reset of the guardian');
    const second = degradationEvent({ model: g.modelName, severity: 'HIGH', drop: 0.12 });
    const entry = await g.decide(second, t.backends);

    expect(entry).toMatchObject({ action: 'ROLLBACK', status: 'skipped', executed: false });
    expect(entry.reason).toContain(`cooldown model_performance_degraded:ROLLBACK runs until`);
    expect(entry.reason).toContain(`started by event ${first.event_id}`);
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toHaveLength(1);
    // The new run shows what came before it, and a redelivery of the first event is a duplicate.
    expect((await g.history()).map((e) => e.id)).toEqual([second.event_id, first.event_id]);
    await g.send(first);
    const view = await g.waitUntilIdle(2);
    expect(view.counters).toMatchObject({ processedEvents: 1, duplicateEvents: 1 });
    expect(view.cooldowns.map((c) => c.eventId)).toEqual([first.event_id]);
  });
});

describe('recall of a deferred retrain', () => {
  it('runs the retrain deferred before the guardian was terminated at its maintenance window', async () => {
    const g = t.guardian('recall-window');
    t.fixtures.push(g);
    const medium = driftEvent({ model: g.modelName, severity: 'MEDIUM' });
    const deferred = await g.decide(medium, t.backends);
    expect(deferred).toMatchObject({ status: 'scheduled' });

    await g.handle.terminate('operator reset of the guardian');
    const low = degradationEvent({ model: g.modelName, severity: 'LOW' });
    await g.decide(low, t.backends);
    expect((await g.state()).pendingRetrain).toMatchObject({
      eventId: medium.event_id,
      runAt: deferred.runAt,
    });

    await skipTo(t.env, Date.parse(deferred.runAt!) + 1_000);
    const ran = await g.waitForEntry(`${medium.event_id}:window-run`, t.backends);
    expect(ran.status).toBe('succeeded');
    expect(
      t.backends.callsFor(g.modelName, 'runTrainingJob').map((c) => c.request.triggeringEventId),
    ).toEqual([medium.event_id]);
  });
});

describe('recall that fails', () => {
  it('goes on with an empty memory when the audit trail cannot be read, and decides its events', async () => {
    const g = t.guardian('recall-fails');
    t.backends.failFor(g.modelName, 'recallDecisions', {
      kind: 'non-retryable',
      type: 'AuditTrailUnreadable',
      message: 'relation guardian_decisions is gone',
    });
    const event = degradationEvent({ model: g.modelName, severity: 'HIGH', drop: 0.12 });
    expect(await g.decide(event, t.backends)).toMatchObject({ action: 'ROLLBACK', status: 'succeeded' });
    expect(t.backends.recalls.filter((r) => r.modelName === g.modelName)).toEqual([]);
  });
});

describe('idle end', () => {
  it('ends a guardian idle for GUARDIAN_IDLE_MINUTES, and the next event finds its cooldown', async () => {
    const g = t.guardian('idle', { settings: ALL_DAY, idleMinutes: 5 });
    t.fixtures.push(g);
    // HIGH drift retrains at once: a child workflow, and a 60-minute cooldown.
    const first = driftEvent({ model: g.modelName, score: 0.7 });
    expect(await g.decide(first, t.backends)).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });
    expect(await statusOf(g.handle)).toBe('RUNNING');

    await skipTo(t.env, (await t.env.currentTimeMs()) + 6 * MIN);
    await eventually(async () => ((await statusOf(g.handle)) === 'COMPLETED' ? true : undefined), 'idle end');

    const second = driftEvent({ model: g.modelName, score: 0.7 });
    const entry = await g.decide(second, t.backends);
    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'skipped' });
    expect(entry.reason).toContain(`started by event ${first.event_id}`);
    expect(t.backends.callsFor(g.modelName, 'runTrainingJob')).toHaveLength(1);
    expect(await statusOf(g.handle)).toBe('RUNNING');
  });

  it('does not end while a retrain waits for the maintenance window, nor without GUARDIAN_IDLE_MINUTES', async () => {
    await skipToNoon(t.env);
    const waiting = t.guardian('idle-waiting', { settings: ALL_DAY, idleMinutes: 5 });
    const forever = t.guardian('idle-never');
    // MEDIUM drift at noon: deferred to the 02:00 window.
    expect(
      await waiting.decide(driftEvent({ model: waiting.modelName, severity: 'MEDIUM' }), t.backends),
    ).toMatchObject({ status: 'scheduled' });
    expect(
      await forever.decide(degradationEvent({ model: forever.modelName, severity: 'LOW' }), t.backends),
    ).toMatchObject({ action: 'MONITOR' });

    await skipTo(t.env, (await t.env.currentTimeMs()) + 30 * MIN);
    await forever.waitUntilIdle(1);
    expect(await statusOf(waiting.handle)).toBe('RUNNING');
    expect(await statusOf(forever.handle)).toBe('RUNNING');
  });
});

describe('replay', () => {
  it('replays every history recorded above without non-determinism', async () => {
    await replayAll(t.env, t.guardians, { name: 'guardian-memory', guardians: t.fixtures });
  });
});
