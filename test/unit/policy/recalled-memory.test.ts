import { decideResponse, emptyPolicyState, resolveGuardianSettings } from '../../../src/domain/policy';
import { type RecalledDecision, rebuildPolicyMemory } from '../../../src/domain/policy/recalled-memory';
import { degradationEvent } from './model-events';

/** A restarted guardian's memory, rebuilt from its audit trail rows. */

const T0 = Date.parse('2026-03-02T10:00:00Z');
const MIN = 60_000;
const SETTINGS = resolveGuardianSettings({ businessHours: { startHour: 0, endHour: 23 } });

function row(fields: Partial<RecalledDecision> & Pick<RecalledDecision, 'id'>): RecalledDecision {
  return {
    origin: 'event',
    eventType: 'model_performance_degraded',
    action: 'ROLLBACK',
    status: 'succeeded',
    decidedAt: T0,
    ...fields,
  };
}

describe('rebuilding the policy memory from the audit trail', () => {
  it('restores a cooldown that still runs, so the policy skips the next event for it', () => {
    const memory = rebuildPolicyMemory([row({ id: 'rollback-1' })], T0 + 10 * MIN);
    expect(Object.keys(memory.cooldowns)).toEqual(['model_performance_degraded:ROLLBACK']);
    expect(memory.cooldowns['model_performance_degraded:ROLLBACK']).toMatchObject({
      startedAt: T0,
      until: T0 + 30 * MIN,
      eventId: 'rollback-1',
    });

    const next = degradationEvent({ severity: 'HIGH', drop: 0.12 });
    const decision = decideResponse(
      next,
      { ...emptyPolicyState(), cooldowns: memory.cooldowns, recentResponses: memory.recentResponses },
      T0 + 10 * MIN,
      SETTINGS,
    );
    expect(decision).toMatchObject({ outcome: 'skip', changedBy: ['cooldown'] });
    expect(decision.reason).toContain('started by event rollback-1');
  });

  it('counts a failed action as a response (the policy did when it decided), but not a skipped or paused one', () => {
    const memory = rebuildPolicyMemory(
      [
        row({ id: 'a', status: 'failed', decidedAt: T0 }),
        row({ id: 'b', status: 'skipped', decidedAt: T0 + MIN, action: 'MONITOR' }),
        row({
          id: 'c',
          status: 'paused',
          decidedAt: T0 + 2 * MIN,
          eventType: 'system_overload',
          action: 'SCALE_UP',
        }),
        row({ id: 'd', status: 'dry-run', decidedAt: T0 + 3 * MIN, eventType: 'gpu_hot', action: 'ALERT' }),
      ],
      T0 + 4 * MIN,
    );
    expect(Object.keys(memory.cooldowns).sort()).toEqual([
      'gpu_hot:ALERT',
      'model_performance_degraded:ROLLBACK',
    ]);
    expect(memory.recentResponses.map((r) => r.eventId)).toEqual(['a', 'd']);
    expect(memory.eventIds).toEqual(['a', 'b', 'c', 'd']);
  });

  it('drops cooldowns that ended and responses older than the frequency window', () => {
    const memory = rebuildPolicyMemory(
      [
        row({ id: 'old', decidedAt: T0 - 61 * MIN }),
        row({ id: 'alert', action: 'ALERT', decidedAt: T0 - 20 * MIN }),
      ],
      T0,
    );
    expect(memory.cooldowns).toEqual({});
    expect(memory.recentResponses.map((r) => r.eventId)).toEqual(['alert']);
  });

  it('honours an operator clear-cooldown that came after the decision, whatever order the rows arrive in', () => {
    const cleared = row({
      id: 'operator:1',
      origin: 'operator',
      eventType: 'operator_command',
      action: 'CLEAR_COOLDOWN',
      status: 'operator',
      decidedAt: T0 + 5 * MIN,
      clearedCooldown: 'model_performance_degraded:ROLLBACK',
    });
    const again = row({ id: 'rollback-2', decidedAt: T0 + 6 * MIN });
    expect(rebuildPolicyMemory([cleared, row({ id: 'rollback-1' })], T0 + 7 * MIN).cooldowns).toEqual({});
    const memory = rebuildPolicyMemory([again, cleared, row({ id: 'rollback-1' })], T0 + 7 * MIN);
    expect(memory.cooldowns['model_performance_degraded:ROLLBACK']?.eventId).toBe('rollback-2');
  });

  it('ignores window runs and rows whose action the policy does not know', () => {
    const memory = rebuildPolicyMemory(
      [
        row({ id: 'x:window-run', origin: 'maintenance-window', action: 'RETRAIN' }),
        row({ id: 'y', action: 'REBOOT' }),
      ],
      T0 + MIN,
    );
    expect(memory.cooldowns).toEqual({});
    expect(memory.recentResponses).toEqual([]);
  });

  describe('a retrain deferred to the maintenance window', () => {
    const deferred = row({
      id: 'medium-drift',
      eventType: 'data_drift_detected',
      action: 'RETRAIN',
      status: 'scheduled',
      severity: 'MEDIUM',
      runAt: T0 + 14 * 60 * MIN,
      reason: 'MEDIUM drift: retrain deferred to the maintenance window',
    });

    it('is pending again while neither its window run nor a later retrain is in the trail', () => {
      expect(rebuildPolicyMemory([deferred], T0 + MIN).pendingRetrain).toEqual({
        eventId: 'medium-drift',
        eventType: 'data_drift_detected',
        severity: 'MEDIUM',
        decidedAt: T0,
        runAt: T0 + 14 * 60 * MIN,
        reason: 'MEDIUM drift: retrain deferred to the maintenance window',
      });
    });

    it('is not pending once it ran at its window (even paused) or a later retrain replaced it', () => {
      const windowRun = row({
        id: 'medium-drift:window-run',
        origin: 'maintenance-window',
        eventType: 'data_drift_detected',
        action: 'RETRAIN',
        status: 'paused',
        decidedAt: T0 + 14 * 60 * MIN,
      });
      const urgent = row({
        id: 'high-drift',
        eventType: 'data_drift_detected',
        action: 'RETRAIN',
        decidedAt: T0 + MIN,
      });
      const forced = row({ id: 'operator:9', origin: 'operator', action: 'RETRAIN', decidedAt: T0 + MIN });
      const skipped = row({ id: 'later-medium', action: 'RETRAIN', status: 'skipped', decidedAt: T0 + MIN });
      expect(rebuildPolicyMemory([deferred, windowRun], T0 + 15 * 60 * MIN).pendingRetrain).toBeUndefined();
      expect(rebuildPolicyMemory([deferred, urgent], T0 + 2 * MIN).pendingRetrain).toBeUndefined();
      expect(rebuildPolicyMemory([deferred, forced], T0 + 2 * MIN).pendingRetrain).toBeUndefined();
      expect(rebuildPolicyMemory([deferred, skipped], T0 + 2 * MIN).pendingRetrain?.eventId).toBe(
        'medium-drift',
      );
    });
  });
});
