import {
  ACTION_TABLE,
  explicitActionRequest,
  lookupActionTable,
  SEVERITIES,
} from '../../../src/domain/policy';
import { degradationEvent, driftEvent } from './model-events';

describe('action table (README "The policy")', () => {
  const expected: Array<[string, string, string, string, string]> = [
    ['data_drift_detected', 'MONITOR', 'RETRAIN', 'RETRAIN', 'RETRAIN'],
    ['model_performance_degraded', 'MONITOR', 'RETRAIN', 'ROLLBACK', 'ROLLBACK'],
    ['system_overload', 'MONITOR', 'SCALE_UP', 'SCALE_UP', 'SCALE_UP'],
    ['prediction_latency_high', 'MONITOR', 'SCALE_UP', 'SCALE_UP', 'SCALE_UP'],
    ['service_health_check_failed', 'ALERT', 'ROLLBACK', 'ROLLBACK', 'ROLLBACK'],
    ['gpu_on_fire', 'ALERT', 'ALERT', 'ALERT', 'ALERT'],
  ];

  it.each(expected)('%s: LOW %s, MEDIUM %s, HIGH %s, CRITICAL %s', (eventType, ...actions) => {
    SEVERITIES.forEach((severity, i) => {
      const lookup = lookupActionTable(eventType, severity);
      expect(lookup.action).toBe(actions[i]);
    });
  });

  it('covers exactly the known event types', () => {
    expect(Object.keys(ACTION_TABLE).sort()).toEqual(
      expected
        .slice(0, 5)
        .map((row) => row[0])
        .sort(),
    );
  });

  it('says in the reason that an unknown event type is not in the table', () => {
    expect(lookupActionTable('gpu_on_fire', 'HIGH').explanation).toBe(
      "event type 'gpu_on_fire' is not in the action table → ALERT",
    );
    expect(lookupActionTable('system_overload', 'HIGH').explanation).toBe(
      'table system_overload × HIGH → SCALE_UP',
    );
  });

  it.each([
    ['RETRAIN', 'RETRAIN'],
    ['rollback', 'ROLLBACK'],
    ['NONE', undefined],
    [undefined, undefined],
  ])('explicit action_required %p on degradation → %p', (requested, expectedAction) => {
    expect(explicitActionRequest(degradationEvent({ actionRequired: requested }))).toBe(expectedAction);
  });

  it('ignores action_required on anything but degradation', () => {
    expect(explicitActionRequest(driftEvent())).toBeUndefined();
  });
});
