import {
  DEFAULT_GUARDIAN_SETTINGS,
  evaluateEvent,
  guardianSettingsFromConfig,
  type ModelPolicyState,
  emptyPolicyState,
  resolveGuardianSettings,
  rememberEvent,
} from '../../../src/domain/policy';
import { loadConfig } from '../../../src/config';
import { driftEvent, systemEvent } from './model-events';

describe('guardian settings', () => {
  it('defaults to README "The policy": UTC, 06:00–22:59, window 02:00–04:00, no dry run', () => {
    expect(resolveGuardianSettings()).toEqual(DEFAULT_GUARDIAN_SETTINGS);
    expect(resolveGuardianSettings({ businessHours: { endHour: 20 } }).businessHours).toEqual({
      startHour: 6,
      endHour: 20,
      criticalOverride: false,
    });
  });

  it('names every bad field', () => {
    expect(() =>
      resolveGuardianSettings({
        timeZone: 'Nowhere/City',
        businessHours: { startHour: 25 },
        maintenanceWindow: { end: '4pm' },
      }),
    ).toThrow(
      "invalid guardian settings: timeZone 'Nowhere/City' is not an IANA time zone; businessHours.startHour must be 0-23, got 25; maintenanceWindow.end: invalid time of day '4pm': expected HH:MM, e.g. 02:00",
    );
  });

  it('comes from the product configuration', () => {
    const config = loadConfig({
      TIME_ZONE: 'Europe/Berlin',
      BUSINESS_HOURS_START: '7',
      BUSINESS_HOURS_END: '20',
      BUSINESS_HOURS_CRITICAL_OVERRIDE: 'true',
      MAINTENANCE_WINDOW_START: '01:30',
      MAINTENANCE_WINDOW_END: '03:00',
      DRY_RUN: 'yes',
      GUARDIAN_HYSTERESIS: 'data_drift_detected=2/30m',
      GUARDIAN_PROMOTION_WATCH_MINUTES: '45',
    });
    expect(guardianSettingsFromConfig(config)).toEqual({
      timeZone: 'Europe/Berlin',
      businessHours: { startHour: 7, endHour: 20, criticalOverride: true },
      maintenanceWindow: { start: '01:30', end: '03:00' },
      dryRun: true,
      hysteresis: { data_drift_detected: { detections: 2, windowMinutes: 30 } },
      promotionWatchMinutes: 45,
    });
    expect(guardianSettingsFromConfig(loadConfig({})).promotionWatchMinutes).toBe(30);
  });

  it('refuses a promotion watch that is not a whole number of minutes, naming the variable', () => {
    expect(() => loadConfig({ GUARDIAN_PROMOTION_WATCH_MINUTES: '-1' })).toThrow(
      /GUARDIAN_PROMOTION_WATCH_MINUTES="-1" is invalid/,
    );
    expect(() => loadConfig({ GUARDIAN_PROMOTION_WATCH_MINUTES: 'half an hour' })).toThrow(
      /GUARDIAN_PROMOTION_WATCH_MINUTES="half an hour" is invalid/,
    );
  });

  it('refuses a hysteresis setting it cannot read, naming the variable', () => {
    expect(() => loadConfig({ GUARDIAN_HYSTERESIS: 'data_drift_detected=two/30m' })).toThrow(
      'GUARDIAN_HYSTERESIS="data_drift_detected=two/30m" is invalid: expected EVENT_TYPE=N/WINDOW',
    );
  });
});

describe('evaluateEvent (what the guardian and simulate both run)', () => {
  const NOON = Date.parse('2024-05-06T12:00:00Z');
  const fresh = (): ModelPolicyState => ({ policy: emptyPolicyState(), seenEventIds: [] });

  it('answers a redelivered event id once', () => {
    const event = systemEvent('system_overload');
    const first = evaluateEvent(fresh(), event, NOON, DEFAULT_GUARDIAN_SETTINGS);
    expect(first.evaluation.duplicate).toBe(false);
    // Hours later, after its cooldown: still a duplicate, and nothing changes.
    const again = evaluateEvent(first.state, event, NOON + 5 * 3600_000, DEFAULT_GUARDIAN_SETTINGS);
    expect(again.evaluation).toEqual({ duplicate: true, eventId: event.event_id });
    expect(again.state).toBe(first.state);
  });

  it('decides and records the response', () => {
    const { state, evaluation } = evaluateEvent(
      fresh(),
      driftEvent({ severity: 'HIGH' }),
      NOON,
      DEFAULT_GUARDIAN_SETTINGS,
    );
    expect(evaluation.duplicate === false && evaluation.decision.action).toBe('RETRAIN');
    expect(state.policy.cooldowns['data_drift_detected:RETRAIN']).toBeDefined();
    expect(state.seenEventIds).toHaveLength(1);
  });

  it('remembers a bounded number of event ids', () => {
    let ids: string[] = [];
    for (let i = 0; i < 25; i++) ids = rememberEvent(ids, `e${i}`, 10);
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 15}`));
  });
});
