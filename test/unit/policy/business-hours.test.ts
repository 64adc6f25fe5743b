import {
  describeBusinessHours,
  fromLocalDateTime,
  isBusinessHour,
  isWithinBusinessHours,
  toLocalDateTime,
} from '../../../src/domain/policy';

const DEFAULT = { startHour: 6, endHour: 22 };

describe('business hours (off-hours: hour < start or hour > end)', () => {
  it('counts 06:00–22:59 as business hours by default', () => {
    const business = Array.from({ length: 24 }, (_, h) => h).filter((h) => isBusinessHour(h, DEFAULT));
    expect(business).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
    expect(describeBusinessHours(DEFAULT)).toBe('06:00–22:59');
  });

  it('spans midnight when start is after end', () => {
    const night = { startHour: 22, endHour: 5 };
    expect([21, 22, 23, 0, 5, 6].map((h) => isBusinessHour(h, night))).toEqual([
      false,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  // Wall times in Europe/Berlin on an ordinary day and on both DST change days of 2024.
  it.each([
    ['2024-05-06', '05:59', false],
    ['2024-05-06', '06:00', true],
    ['2024-05-06', '22:59', true],
    ['2024-05-06', '23:00', false],
    ['2024-03-31', '05:59', false], // spring forward at 02:00
    ['2024-03-31', '06:00', true],
    ['2024-03-31', '22:59', true],
    ['2024-03-31', '23:00', false],
    ['2024-10-27', '05:59', false], // fall back at 03:00
    ['2024-10-27', '06:00', true],
    ['2024-10-27', '22:59', true],
    ['2024-10-27', '23:00', false],
  ])('Europe/Berlin %s %s → business hours %p', (date, clock, expected) => {
    const [year, month, day] = date.split('-').map(Number);
    const [hour, minute] = clock.split(':').map(Number);
    const instant = fromLocalDateTime({ year, month, day, hour, minute }, 'Europe/Berlin');
    expect(isWithinBusinessHours(instant, DEFAULT, 'Europe/Berlin')).toBe(expected);
    // The same instant in UTC is an hour or two earlier: the zone is what decides.
    expect(toLocalDateTime(instant, 'Europe/Berlin').hour).toBe(hour);
  });

  it('agrees with the local hour for every minute of a DST week, in several zones and settings', () => {
    const problems: string[] = [];
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu']) {
      for (const hours of [DEFAULT, { startHour: 8, endHour: 17 }, { startHour: 20, endHour: 4 }]) {
        for (
          let t = Date.parse('2024-03-08T00:00:00Z');
          t < Date.parse('2024-04-02T00:00:00Z');
          t += 7 * 60_000
        ) {
          const hour = toLocalDateTime(t, zone).hour;
          const expected =
            hours.startHour <= hours.endHour
              ? !(hour < hours.startHour || hour > hours.endHour)
              : hour >= hours.startHour || hour <= hours.endHour;
          if (isWithinBusinessHours(t, hours, zone) !== expected)
            problems.push(`${zone} ${new Date(t).toISOString()}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
