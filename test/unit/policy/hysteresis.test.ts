import {
  evaluateEvent,
  emptyPolicyState,
  type GuardianSettings,
  type ModelPolicyState,
  parseHysteresisRules,
  resolveGuardianSettings,
} from '../../../src/domain/policy';
import type { ModelEvent } from '../../../src/domain/events';
import { degradationEvent, driftEvent, systemEvent } from './model-events';

const MIN = 60_000;
const NOON = Date.parse('2024-05-06T12:00:00Z');
const TWO_IN_30 = resolveGuardianSettings({
  hysteresis: { data_drift_detected: { detections: 2, windowMinutes: 30 } },
});

/** Events through the policy as the guardian runs them (evaluateEvent), returning each decision. */
function run(events: Array<[ModelEvent, number]>, settings: GuardianSettings) {
  let state: ModelPolicyState = { policy: emptyPolicyState(), seenEventIds: [] };
  const decisions = events.map(([event, now]) => {
    const result = evaluateEvent(state, event, now, settings);
    state = result.state;
    if (result.evaluation.duplicate) throw new Error('unexpected duplicate');
    return result.evaluation.decision;
  });
  return { decisions, state };
}

describe('hysteresis (guard 0): act on the N-th detection within W', () => {
  it('waits on the first HIGH drift, acts on the second within 30 min, and counts again after acting', () => {
    const high = () => driftEvent({ score: 0.9 });
    const { decisions, state } = run(
      [
        [high(), NOON],
        [high(), NOON + 10 * MIN],
        [high(), NOON + 20 * MIN],
      ],
      TWO_IN_30,
    );
    expect(decisions.map((d) => [d.outcome, d.action, d.changedBy])).toEqual([
      ['skip', 'RETRAIN', ['hysteresis']],
      ['execute', 'RETRAIN', []],
      ['skip', 'RETRAIN', ['hysteresis']],
    ]);
    expect(decisions[0].reason).toContain(
      'waiting for confirmation (1 of 2 detections in 30 min): RETRAIN not yet',
    );
    expect(decisions[1].reason).toContain('confirmed: 2 of 2 detections in 30 min');
    // Every drift event still publishes its drift alert, waiting or not.
    expect(decisions.every((d) => d.driftAlert)).toBe(true);
    // Waiting changes no cooldown; the response did; the third detection waits again.
    expect(Object.keys(state.policy.cooldowns)).toEqual(['data_drift_detected:RETRAIN']);
    expect(state.policy.detections).toEqual({ data_drift_detected: [NOON + 20 * MIN] });
  });

  it('forgets a detection once it is older than the window (a detection exactly W old is out)', () => {
    const { decisions } = run(
      [
        [driftEvent({ score: 0.9 }), NOON],
        [driftEvent({ score: 0.9 }), NOON + 30 * MIN],
        [driftEvent({ score: 0.9 }), NOON + 59 * MIN],
      ],
      TWO_IN_30,
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['skip', 'skip', 'execute']);
    expect(decisions[1].reason).toContain('(1 of 2 detections in 30 min)');
  });

  it('counts per event type, and leaves types without a rule as they were', () => {
    const { decisions, state } = run(
      [
        [driftEvent({ score: 0.9 }), NOON],
        [degradationEvent({ drop: 0.2 }), NOON + MIN],
        [systemEvent('system_overload', { severity: 'HIGH' }), NOON + 2 * MIN],
      ],
      TWO_IN_30,
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['skip', 'execute', 'execute']);
    expect(state.policy.detections).toEqual({ data_drift_detected: [NOON] });
  });

  it('keeps a confirmed detection that a cooldown stopped, so the next one is confirmed too', () => {
    const settings = resolveGuardianSettings({
      hysteresis: { system_overload: { detections: 2, windowMinutes: 60 } },
    });
    const overload = () => systemEvent('system_overload', { severity: 'HIGH' });
    const { decisions } = run(
      [
        [overload(), NOON],
        [overload(), NOON + MIN], // confirmed: SCALE_UP, 10-min cooldown
        [overload(), NOON + 2 * MIN], // waits again (the count restarted)
        [overload(), NOON + 3 * MIN], // confirmed, but the cooldown holds it
        [overload(), NOON + 12 * MIN], // confirmed: the last detection was kept
      ],
      settings,
    );
    expect(decisions.map((d) => [d.outcome, d.changedBy.at(-1) ?? ''])).toEqual([
      ['skip', 'hysteresis'],
      ['execute', ''],
      ['skip', 'hysteresis'],
      ['skip', 'cooldown'],
      ['execute', ''],
    ]);
  });

  it('acts on every detection without a rule, as before (N = 1 too)', () => {
    const one = resolveGuardianSettings({
      hysteresis: { data_drift_detected: { detections: 1, windowMinutes: 5 } },
    });
    for (const settings of [resolveGuardianSettings(), one]) {
      const { decisions, state } = run([[driftEvent({ score: 0.9 }), NOON]], settings);
      expect(decisions[0].outcome).toBe('execute');
      expect(state.policy.detections).toBeUndefined();
    }
  });
});

describe('hysteresis rules from configuration', () => {
  it('reads EVENT_TYPE=N/WINDOW in minutes or hours', () => {
    expect(parseHysteresisRules('data_drift_detected=2/30m, model_performance_degraded=3/1.5h')).toEqual({
      data_drift_detected: { detections: 2, windowMinutes: 30 },
      model_performance_degraded: { detections: 3, windowMinutes: 90 },
    });
    expect(parseHysteresisRules('')).toEqual({});
  });

  it.each([
    ['data_drift_detected=2', "'data_drift_detected=2' is not EVENT_TYPE=N/WINDOW"],
    ['a=2/30m,a=3/10m', "event type 'a' is given twice"],
    ['a=0/30m', 'hysteresis.a.detections must be a whole number from 1 to 100'],
    ['a=2/0m', 'hysteresis.a.windowMinutes must be over 0 and at most 10080 (one week)'],
    ['a=2/200h', 'hysteresis.a.windowMinutes must be over 0'],
  ])('refuses %s', (text, message) => {
    expect(() => parseHysteresisRules(text)).toThrow(message);
  });

  it('refuses bad rules given to a guardian directly', () => {
    expect(() =>
      resolveGuardianSettings({
        hysteresis: { data_drift_detected: { detections: 2.5, windowMinutes: 30 } },
      }),
    ).toThrow('hysteresis.data_drift_detected.detections must be a whole number from 1 to 100');
  });
});
