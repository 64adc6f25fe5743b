import {
  formatLocal,
  isWithinMaintenanceWindow,
  nextMaintenanceWindowStart,
  parseClockTime,
} from '../../../src/domain/policy';

const WINDOW = { start: '02:00', end: '04:00' };
const at = (iso: string) => Date.parse(iso);

describe('maintenance window', () => {
  it('parses HH:MM and rejects anything else', () => {
    expect(parseClockTime('02:00')).toBe(120);
    expect(parseClockTime('23:59')).toBe(1439);
    expect(() => parseClockTime('24:00')).toThrow("invalid time of day '24:00'");
    expect(() => parseClockTime('2:00')).toThrow('expected HH:MM');
  });

  it.each([
    ['2024-05-06T01:59:00Z', false],
    ['2024-05-06T02:00:00Z', true],
    ['2024-05-06T03:59:59Z', true],
    ['2024-05-06T04:00:00Z', false],
  ])('UTC %s inside 02:00–04:00 → %p', (iso, expected) => {
    expect(isWithinMaintenanceWindow(at(iso), WINDOW, 'UTC')).toBe(expected);
  });

  it('spans midnight when the end is before the start', () => {
    const night = { start: '23:30', end: '01:00' };
    expect(isWithinMaintenanceWindow(at('2024-05-06T23:29:00Z'), night, 'UTC')).toBe(false);
    expect(isWithinMaintenanceWindow(at('2024-05-06T23:30:00Z'), night, 'UTC')).toBe(true);
    expect(isWithinMaintenanceWindow(at('2024-05-07T00:59:00Z'), night, 'UTC')).toBe(true);
    expect(isWithinMaintenanceWindow(at('2024-05-07T01:00:00Z'), night, 'UTC')).toBe(false);
  });

  it.each([
    // now (UTC), zone, next window start (as wall time)
    ['2024-05-06T10:00:00Z', 'UTC', '2024-05-07 02:00 UTC'],
    ['2024-05-06T01:59:00Z', 'UTC', '2024-05-06 02:00 UTC'],
    ['2024-05-06T02:00:00Z', 'UTC', '2024-05-07 02:00 UTC'],
    ['2024-05-06T10:00:00Z', 'Europe/Berlin', '2024-05-07 02:00 Europe/Berlin'],
    ['2024-05-06T23:30:00Z', 'Europe/Berlin', '2024-05-07 02:00 Europe/Berlin'], // 01:30 local: later that night
    ['2024-05-07T00:30:00Z', 'Europe/Berlin', '2024-05-08 02:00 Europe/Berlin'], // 02:30 local: inside, so tomorrow
    // Spring forward: 02:00 does not exist on 2024-03-31 in Berlin; the window opens at 03:00.
    ['2024-03-30T12:00:00Z', 'Europe/Berlin', '2024-03-31 03:00 Europe/Berlin'],
    // Fall back: 02:00 happens twice on 2024-10-27; the window opens at the first.
    ['2024-10-26T12:00:00Z', 'Europe/Berlin', '2024-10-27 02:00 Europe/Berlin'],
    ['2024-03-09T12:00:00Z', 'America/New_York', '2024-03-10 03:00 America/New_York'],
  ])('after %s in %s the next window starts %s', (now, zone, expected) => {
    const next = nextMaintenanceWindowStart(at(now), WINDOW, zone);
    expect(next).toBeGreaterThan(at(now));
    expect(formatLocal(next, zone)).toBe(expected);
  });

  it('opens at the first occurrence on a fall-back day', () => {
    const next = nextMaintenanceWindowStart(at('2024-10-26T12:00:00Z'), WINDOW, 'Europe/Berlin');
    expect(new Date(next).toISOString()).toBe('2024-10-27T00:00:00.000Z');
  });

  it('is always the earliest window start after now (every 50 minutes for a year, two zones)', () => {
    const problems: string[] = [];
    for (const zone of ['Europe/Berlin', 'America/New_York']) {
      for (let t = at('2024-01-01T00:00:00Z'); t < at('2025-01-01T00:00:00Z'); t += 50 * 60_000) {
        const next = nextMaintenanceWindowStart(t, WINDOW, zone);
        const ok =
          next > t &&
          next - t <= 25 * 3600_000 &&
          isWithinMaintenanceWindow(next, WINDOW, zone) &&
          // just before `next` the window was closed, unless now itself was inside it
          (!isWithinMaintenanceWindow(next - 60_000, WINDOW, zone) ||
            next - 60_000 <= t ||
            isWithinMaintenanceWindow(t, WINDOW, zone));
        if (!ok) problems.push(`${zone} ${new Date(t).toISOString()} -> ${new Date(next).toISOString()}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
