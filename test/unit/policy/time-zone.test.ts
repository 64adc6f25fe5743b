import {
  addCalendarDays,
  formatLocal,
  fromLocalDateTime,
  isValidTimeZone,
  toLocalDateTime,
  utcOffsetMs,
} from '../../../src/domain/policy';

const HOUR = 3600_000;
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
];

describe('time-zone maths', () => {
  it('reads wall-clock time in a zone, across DST', () => {
    expect(toLocalDateTime(Date.parse('2024-03-31T00:59:00Z'), 'Europe/Berlin')).toMatchObject({
      hour: 1,
      minute: 59,
    });
    expect(toLocalDateTime(Date.parse('2024-03-31T01:00:00Z'), 'Europe/Berlin')).toMatchObject({
      hour: 3,
      minute: 0,
    });
    expect(toLocalDateTime(Date.parse('2024-10-27T00:30:00Z'), 'Europe/Berlin')).toMatchObject({
      hour: 2,
      minute: 30,
    });
    expect(toLocalDateTime(Date.parse('2024-10-27T01:30:00Z'), 'Europe/Berlin')).toMatchObject({
      hour: 2,
      minute: 30,
    });
    expect(toLocalDateTime(Date.parse('2024-01-01T00:00:00Z'), 'America/New_York')).toMatchObject({
      year: 2023,
      month: 12,
      day: 31,
      hour: 19,
    });
  });

  it('knows the offsets either side of a change', () => {
    expect(utcOffsetMs(Date.parse('2024-03-30T12:00:00Z'), 'Europe/Berlin')).toBe(1 * HOUR);
    expect(utcOffsetMs(Date.parse('2024-04-01T12:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(utcOffsetMs(Date.parse('2024-06-01T12:00:00Z'), 'Asia/Kathmandu')).toBe(5.75 * HOUR);
  });

  it('moves a wall time skipped by spring-forward forward by the gap', () => {
    // Berlin 2024-03-31: 02:00 → 03:00, so 02:30 does not exist and means 03:30 CEST.
    const instant = fromLocalDateTime(
      { year: 2024, month: 3, day: 31, hour: 2, minute: 30 },
      'Europe/Berlin',
    );
    expect(new Date(instant).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    const ny = fromLocalDateTime({ year: 2024, month: 3, day: 10, hour: 2, minute: 0 }, 'America/New_York');
    expect(new Date(ny).toISOString()).toBe('2024-03-10T07:00:00.000Z');
  });

  it('takes the first occurrence of a wall time repeated by fall-back', () => {
    const instant = fromLocalDateTime(
      { year: 2024, month: 10, day: 27, hour: 2, minute: 30 },
      'Europe/Berlin',
    );
    expect(new Date(instant).toISOString()).toBe('2024-10-27T00:30:00.000Z');
  });

  it('round-trips wall times through a year of DST changes in many zones', () => {
    const problems: string[] = [];
    let checked = 0;
    // A 45-minute step walks through :00, :15, :30 and :45 and crosses every change of 2024.
    for (const zone of ZONES) {
      for (
        let t = Date.parse('2024-01-01T00:00:00Z');
        t < Date.parse('2025-01-01T00:00:00Z');
        t += 45 * 60_000
      ) {
        const local = toLocalDateTime(t, zone);
        const back = fromLocalDateTime(local, zone);
        const wall = toLocalDateTime(back, zone);
        const sameWall =
          wall.year === local.year &&
          wall.month === local.month &&
          wall.day === local.day &&
          wall.hour === local.hour &&
          wall.minute === local.minute;
        // Only the second occurrence of a repeated wall time may map to another (earlier) instant.
        const allowed = back === t || (back < t && utcOffsetMs(back, zone) > utcOffsetMs(t, zone));
        if (!sameWall || !allowed)
          problems.push(`${zone} ${new Date(t).toISOString()} -> ${new Date(back).toISOString()}`);
        checked++;
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(ZONES.length * Math.ceil((366 * 24 * 60) / 45));
  });

  it('adds calendar days across month and year ends', () => {
    expect(addCalendarDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addCalendarDays({ year: 2024, month: 12, day: 31 }, 1)).toEqual({ year: 2025, month: 1, day: 1 });
    expect(addCalendarDays({ year: 2024, month: 3, day: 1 }, -1)).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('formats and validates zones', () => {
    expect(formatLocal(Date.parse('2024-03-31T01:30:00Z'), 'Europe/Berlin')).toBe(
      '2024-03-31 03:30 Europe/Berlin',
    );
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
