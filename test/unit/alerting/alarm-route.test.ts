import { alarmRoute } from '../../../src/domain/alerting/alarm-route';
import { retryDelayMs } from '../../../src/backends/alerts/delivery-retry';

describe('alarmRoute', () => {
  it.each([
    ['critical', false, 'now'],
    ['high', false, 'batch'],
    ['medium', false, 'batch'],
    ['low', false, 'summary'],
    ['low', true, 'now'],
    ['medium', true, 'now'],
  ] as const)('%s (immediate %s) → %s', (priority, immediate, route) => {
    expect(alarmRoute({ priority, immediate })).toBe(route);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the initial wait and never passes the cap', () => {
    const policy = { attempts: 10, initialMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6, 40].map((n) => retryDelayMs(policy, n))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });
});
