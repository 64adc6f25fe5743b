import { durationMs } from '../../../src/cli/silence';
import { alarmLabels } from '../../../src/backends/alerts/alarm-labels';
import { alertAction, guardianAlarm } from '../../../src/activities/guardian/send-alert';
import { inhibits } from '../../../src/domain/alerting/inhibition';
import {
  type AlarmLabels,
  silenceActive,
  silenceMatches,
  validateSilence,
} from '../../../src/domain/alerting/silence-matchers';

const NOW = new Date('2026-03-01T10:00:00Z');
const IN_AN_HOUR = '2026-03-01T11:00:00Z';
const valid = { matchers: { model: 'fraud' }, creator: 'ana', comment: 'maintenance', endsAt: IN_AN_HOUR };

describe('validateSilence', () => {
  it('accepts one matcher, a creator, a comment and an end in the future; starts now by default', () => {
    const result = validateSilence(valid, NOW);
    expect(result).toEqual({
      ok: true,
      silence: {
        matchers: { model: 'fraud' },
        creator: 'ana',
        comment: 'maintenance',
        startsAt: NOW,
        endsAt: new Date(IN_AN_HOUR),
      },
    });
  });

  it.each([
    ['no matcher', { ...valid, matchers: {} }, /at least one matcher/],
    ['no matchers object', { creator: 'ana', comment: 'x', endsAt: IN_AN_HOUR }, /at least one matcher/],
    ['only empty matchers', { ...valid, matchers: { model: '  ' } }, /matcher model must be a non-empty/],
    ['an unknown matcher', { ...valid, matchers: { team: 'ml' } }, /unknown matcher team/],
    ['an unknown priority', { ...valid, matchers: { priority: 'urgent' } }, /priority must be one of/],
    ['an unknown source', { ...valid, matchers: { source: 'cron' } }, /source must be one of/],
    ['an end in the past', { ...valid, endsAt: '2026-03-01T09:59:59Z' }, /is not in the future/],
    ['an end equal to now', { ...valid, endsAt: NOW.toISOString() }, /is not in the future/],
    ['no end', { ...valid, endsAt: undefined }, /endsAt is required/],
    ['an end that is not a time', { ...valid, endsAt: 'tomorrow' }, /not an ISO-8601 time/],
    ['an end before the start', { ...valid, startsAt: '2026-03-01T12:00:00Z' }, /is not after startsAt/],
    ['no creator', { ...valid, creator: '' }, /creator is required/],
    ['no comment', { ...valid, comment: undefined }, /comment is required/],
  ])('refuses %s with a clear error', (_name, input, error) => {
    const result = validateSilence(input as Record<string, unknown>, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(error);
  });
});

describe('silenceMatches', () => {
  const labels: AlarmLabels = {
    model: 'fraud',
    eventType: 'drift_detected',
    action: 'RETRAIN',
    priority: 'high',
    source: 'guardian',
  };

  it('matches when every named matcher equals the label', () => {
    expect(silenceMatches({ model: 'fraud' }, labels)).toBe(true);
    expect(silenceMatches({ model: 'fraud', eventType: 'drift_detected', priority: 'high' }, labels)).toBe(
      true,
    );
    expect(silenceMatches({ action: 'RETRAIN', source: 'guardian' }, labels)).toBe(true);
  });

  it('does not match when one matcher differs, or names a label the alarm lacks', () => {
    expect(silenceMatches({ model: 'fraud', priority: 'critical' }, labels)).toBe(false);
    expect(silenceMatches({ model: 'Fraud' }, labels)).toBe(false);
    expect(
      silenceMatches({ action: 'ALERT' }, { model: 'fraud', priority: 'high', source: 'guardian' }),
    ).toBe(false);
  });

  it('never matches without a matcher (a silence of everything cannot exist)', () => {
    expect(silenceMatches({}, labels)).toBe(false);
  });
});

describe('silenceActive', () => {
  const window = { startsAt: new Date('2026-03-01T10:00:00Z'), endsAt: new Date(IN_AN_HOUR) };
  it('holds from its start until its end, and ends by itself', () => {
    expect(silenceActive(window, new Date('2026-03-01T09:59:59Z'))).toBe(false);
    expect(silenceActive(window, NOW)).toBe(true);
    expect(silenceActive(window, new Date('2026-03-01T10:59:59Z'))).toBe(true);
    expect(silenceActive(window, new Date(IN_AN_HOUR))).toBe(false);
  });
});

describe('inhibits', () => {
  const critical = { model: 'fraud', priority: 'critical' as const, raisedAt: NOW };
  const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

  it('a critical alarm inhibits lower-priority alarms for the same model within the window', () => {
    for (const priority of ['high', 'medium', 'low'] as const)
      expect(inhibits(critical, { model: 'fraud', priority, raisedAt: later(5) }, 30)).toBe(true);
    expect(inhibits(critical, { model: 'fraud', priority: 'high', raisedAt: later(30) }, 30)).toBe(true);
  });

  it('not another critical, not another model, not after the window, not before it fired', () => {
    expect(inhibits(critical, { model: 'fraud', priority: 'critical', raisedAt: later(1) }, 30)).toBe(false);
    expect(inhibits(critical, { model: 'churn', priority: 'high', raisedAt: later(1) }, 30)).toBe(false);
    expect(inhibits(critical, { model: 'fraud', priority: 'high', raisedAt: later(31) }, 30)).toBe(false);
    expect(inhibits(critical, { model: 'fraud', priority: 'high', raisedAt: later(-1) }, 30)).toBe(false);
  });

  it('only a critical alarm inhibits', () => {
    const high = { ...critical, priority: 'high' as const };
    expect(inhibits(high, { model: 'fraud', priority: 'medium', raisedAt: later(1) }, 30)).toBe(false);
  });
});

describe('alarm labels', () => {
  const request = {
    alertId: 'd-1:failure',
    modelName: 'fraud',
    title: 'ROLLBACK failed for fraud',
    message: 'm',
    priority: 'high' as const,
    time: NOW.toISOString(),
    sourceEvent: { event_id: 'e-1', event_type: 'performance_degradation' },
  };

  it('a guardian alarm carries its model, source event type and action', () => {
    expect(alarmLabels(guardianAlarm(request))).toEqual({
      model: 'fraud',
      eventType: 'performance_degradation',
      action: 'ROLLBACK',
      priority: 'high',
      source: 'guardian',
    });
  });

  it('marks an approval request as asking for an answer, also one scheduled before the flag existed', () => {
    expect(guardianAlarm({ ...request, answerNeeded: true }).answerNeeded).toBe(true);
    expect(guardianAlarm({ ...request, alertId: 'd-1:approval-request' }).answerNeeded).toBe(true);
    expect(guardianAlarm(request).answerNeeded).toBeUndefined();
  });

  it('names the action from the alert id: an ALERT, a rejected retrain, none for a drift alert', () => {
    expect(alertAction({ ...request, alertId: 'd-1:alert' })).toBe('ALERT');
    expect(alertAction({ ...request, alertId: 'd-1:evaluation-rejected' })).toBe('RETRAIN');
    expect(alertAction({ ...request, alertId: 'e-1:drift' })).toBeUndefined();
    expect(alertAction({ ...request, title: 'Something failed' })).toBeUndefined();
  });

  it('other sources use their subject as model and their kind as event type', () => {
    expect(
      alarmLabels({
        alarmId: 'a',
        source: 'bridge',
        subject: 'job-7',
        kind: 'duplicate_job',
        title: 't',
        message: 'm',
        priority: 'high',
        time: NOW.toISOString(),
      }),
    ).toEqual({ model: 'job-7', eventType: 'duplicate_job', priority: 'high', source: 'bridge' });
  });
});

describe('silence --ends-in', () => {
  it('reads 30s, 90m, 2h, 1.5d and refuses anything else', () => {
    expect(['30s', '90m', '2h', '1.5d'].map(durationMs)).toEqual([30_000, 5_400_000, 7_200_000, 129_600_000]);
    expect(['', 'soon', '2', '-1h', '0m', '2 weeks'].map(durationMs)).toEqual(Array(6).fill(undefined));
  });
});
