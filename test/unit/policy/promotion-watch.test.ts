import {
  activeWatch,
  describeWatchEnd,
  emptyPolicyState,
  evaluateEvent,
  type GuardianSettings,
  type ModelPolicyState,
  type PromotionWatch,
  promotionWatchProblems,
  resolveGuardianSettings,
  startPromotionWatch,
  takeWatchRollback,
} from '../../../src/domain/policy';
import { type ModelEvent, parseModelEvent } from '../../../src/domain/events';
import { degradationEvent, driftEvent, systemEvent } from './model-events';

const MIN = 60_000;
const NOON = Date.parse('2024-05-06T12:00:00Z');
/** 23:30 UTC: outside the default business hours (06:00–22:59). */
const NIGHT = Date.parse('2024-05-06T23:30:00Z');
const DEFAULTS = resolveGuardianSettings({});

function watchFrom(now: number, minutes = 30): PromotionWatch {
  const started = startPromotionWatch({ fromVersion: '3', toVersion: '4' }, 'retrain-1', now, minutes);
  if (!('watch' in started)) throw new Error(started.none);
  return started.watch;
}

/** Events through the policy as the guardian runs them, starting with `watch` in the state. */
function run(
  events: Array<[ModelEvent, number]>,
  watch?: PromotionWatch,
  settings: GuardianSettings = DEFAULTS,
) {
  let state: ModelPolicyState = {
    policy: { ...emptyPolicyState(), ...(watch ? { promotionWatch: watch } : {}) },
    seenEventIds: [],
  };
  const decisions = events.map(([event, now]) => {
    const result = evaluateEvent(state, event, now, settings);
    state = result.state;
    if (result.evaluation.duplicate) throw new Error('unexpected duplicate');
    return result.evaluation.decision;
  });
  return { decisions, state };
}

function versioned(version: string): ModelEvent {
  const parsed = parseModelEvent({
    event_id: `degraded-${version}`,
    event_type: 'model_performance_degraded',
    timestamp: '2024-05-06T12:00:00Z',
    model_name: 'fraud-detector',
    model_version: `fraud-detector@${version}`,
    performance_drop: 0.05,
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe('starting a watch after a promotion', () => {
  it('watches the promoted version for the configured minutes', () => {
    expect(watchFrom(NOON, 30)).toEqual({
      fromVersion: '3',
      toVersion: '4',
      promotedAt: NOON,
      until: NOON + 30 * MIN,
      decisionId: 'retrain-1',
    });
  });

  it('starts none when the watch is off or nothing served before', () => {
    expect(startPromotionWatch({ fromVersion: '3', toVersion: '4' }, 'r', NOON, 0)).toEqual({
      none: 'no watch after promotion (promotion watch is 0 minutes)',
    });
    expect(startPromotionWatch({ toVersion: '4' }, 'r', NOON, 30)).toEqual({
      none: 'no watch after promotion: no earlier version served, nothing to roll back to',
    });
  });

  it('is active until `until`, exclusive', () => {
    const watch = watchFrom(NOON);
    expect(activeWatch({ promotionWatch: watch }, NOON + 30 * MIN - 1)).toBe(watch);
    expect(activeWatch({ promotionWatch: watch }, NOON + 30 * MIN)).toBeUndefined();
  });

  it('validates the setting', () => {
    expect(promotionWatchProblems(30)).toEqual([]);
    expect(promotionWatchProblems(0)).toEqual([]);
    expect(promotionWatchProblems(-1)[0]).toMatch(/whole number of minutes/);
    expect(promotionWatchProblems(1.5)[0]).toMatch(/whole number of minutes/);
    expect(promotionWatchProblems(20_000)[0]).toMatch(/at most 10080/);
    expect(() => resolveGuardianSettings({ promotionWatchMinutes: -5 })).toThrow(
      /invalid guardian settings: promotionWatchMinutes must be a whole number/,
    );
  });

  it("turns an operator's rollback during the watch into a rollback to the replaced version, ending it", () => {
    const watch = watchFrom(NOON);
    const policy = { ...emptyPolicyState(), promotionWatch: watch };
    expect(takeWatchRollback(policy, NOON + MIN)).toEqual({
      state: emptyPolicyState(),
      rollbackTo: { fromVersion: '4', toVersion: '3' },
      reason:
        'version 4 is under watch since its promotion (until 2024-05-06T12:30:00.000Z): back to version 3',
    });
    expect(takeWatchRollback(policy, NOON + 30 * MIN)).toBeUndefined();
    expect(takeWatchRollback(emptyPolicyState(), NOON)).toBeUndefined();
  });

  it('says the version is stable when it ends', () => {
    expect(describeWatchEnd(watchFrom(NOON))).toBe(
      'version 4 is stable: no degradation or failed health check within 30 min of its promotion from version 3 ' +
        '(watch until 2024-05-06T12:30:00.000Z); later rollbacks return to the stable version before it as usual',
    );
  });
});

describe('a degradation during the watch', () => {
  it('rolls back to the replaced version at once, with the reason, and ends the watch', () => {
    const watch = watchFrom(NOON);
    const { decisions, state } = run([[degradationEvent({ drop: 0.05 }), NOON + 10 * MIN]], watch);
    expect(decisions[0]).toMatchObject({
      tableAction: 'RETRAIN',
      action: 'ROLLBACK',
      outcome: 'execute',
      executed: true,
      priority: 'high',
      cooldownKey: 'model_performance_degraded:ROLLBACK',
      rollbackTo: { fromVersion: '4', toVersion: '3' },
    });
    expect(decisions[0].reason).toMatch(
      /^ROLLBACK to version 3: version 4 degraded within 30 min of its promotion \(watch until 2024-05-06T12:30:00\.000Z\); the policy alone: RETRAIN \(execute\) — /,
    );
    expect(state.policy.promotionWatch).toBeUndefined();
    expect(state.policy.cooldowns['model_performance_degraded:ROLLBACK']).toBeDefined();
  });

  it('rolls back outside business hours, and says which guard it passed', () => {
    const { decisions } = run([[degradationEvent({ drop: 0.12 }), NIGHT + 5 * MIN]], watchFrom(NIGHT));
    expect(decisions[0]).toMatchObject({ action: 'ROLLBACK', executed: true });
    expect(decisions[0].reason).toContain('; past business-hours; the policy alone: ALERT (execute)');
  });

  it('rolls back inside a ROLLBACK cooldown', () => {
    // A rollback 10 min before the promotion: its 30-minute cooldown still runs.
    const before: [ModelEvent, number] = [degradationEvent({ drop: 0.12 }), NOON - 10 * MIN];
    const plain = run([before, [degradationEvent({ drop: 0.12 }), NOON + 5 * MIN]]);
    expect(plain.decisions[1]).toMatchObject({
      action: 'ROLLBACK',
      outcome: 'skip',
      changedBy: ['cooldown'],
    });

    let state: ModelPolicyState = { policy: emptyPolicyState(), seenEventIds: [] };
    state = evaluateEvent(state, before[0], before[1], DEFAULTS).state;
    state = { ...state, policy: { ...state.policy, promotionWatch: watchFrom(NOON) } };
    const result = evaluateEvent(state, degradationEvent({ drop: 0.12 }), NOON + 5 * MIN, DEFAULTS);
    if (result.evaluation.duplicate) throw new Error('unexpected duplicate');
    expect(result.evaluation.decision).toMatchObject({
      action: 'ROLLBACK',
      outcome: 'execute',
      executed: true,
    });
    expect(result.evaluation.decision.reason).toContain('past cooldown; the policy alone: ROLLBACK (skip)');
  });

  it('rolls back on a failed health check, and skips hysteresis', () => {
    const settings = resolveGuardianSettings({
      hysteresis: { service_health_check_failed: { detections: 3, windowMinutes: 30 } },
    });
    const { decisions } = run(
      [[systemEvent('service_health_check_failed', { severity: 'HIGH' }), NOON + MIN]],
      watchFrom(NOON),
      settings,
    );
    expect(decisions[0]).toMatchObject({ action: 'ROLLBACK', executed: true });
    expect(decisions[0].reason).toMatch(
      /^ROLLBACK to version 3: version 4 failed its health check within 30 min/,
    );
  });

  it('leaves a LOW degradation, drift and events about another version to the policy', () => {
    const watch = watchFrom(NOON);
    const { decisions, state } = run(
      [
        [degradationEvent({ severity: 'LOW', drop: 0.01 }), NOON + MIN],
        [driftEvent({ score: 0.9 }), NOON + 2 * MIN],
        [versioned('3'), NOON + 3 * MIN],
      ],
      watch,
    );
    expect(decisions.map((d) => d.action)).toEqual(['MONITOR', 'RETRAIN', 'RETRAIN']);
    expect(decisions.every((d) => d.rollbackTo === undefined)).toBe(true);
    expect(decisions[2].reason).toContain(
      'the watch of version 4 does not apply: the event is about version 3',
    );
    expect(state.policy.promotionWatch).toEqual(watch);
  });

  it('acts on an event naming the watched version', () => {
    const { decisions } = run([[versioned('4'), NOON + MIN]], watchFrom(NOON));
    expect(decisions[0]).toMatchObject({ action: 'ROLLBACK', rollbackTo: { toVersion: '3' } });
  });

  it('after the watch: the policy as usual (business hours hold the rollback back)', () => {
    const { decisions } = run([[degradationEvent({ drop: 0.12 }), NIGHT + 31 * MIN]], watchFrom(NIGHT));
    expect(decisions[0]).toMatchObject({ action: 'ALERT' });
    expect(decisions[0].rollbackTo).toBeUndefined();
  });
});
