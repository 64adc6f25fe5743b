import {
  addDays,
  backfillSpan,
  datesBetween,
  isReportDate,
  reportDateForRunAt,
  reportWindow,
} from '../../../src/domain/log-analysis/report-window';
import { localTimeAt } from '../../../src/domain/log-analysis/zoned-time';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('the window of a report date', () => {
  it('is the local day in UTC', () => {
    const w = reportWindow('2024-03-10', 'UTC');
    expect([iso(w.startMs), iso(w.endMs)]).toEqual(['2024-03-10T00:00:00.000Z', '2024-03-11T00:00:00.000Z']);
  });

  it('follows the report time zone', () => {
    const berlin = reportWindow('2024-03-10', 'Europe/Berlin');
    expect([iso(berlin.startMs), iso(berlin.endMs)]).toEqual([
      '2024-03-09T23:00:00.000Z',
      '2024-03-10T23:00:00.000Z',
    ]);
    const kolkata = reportWindow('2024-03-10', 'Asia/Kolkata');
    expect([iso(kolkata.startMs), iso(kolkata.endMs)]).toEqual([
      '2024-03-09T18:30:00.000Z',
      '2024-03-10T18:30:00.000Z',
    ]);
  });

  it('is 24 real hours ending at local midnight on a DST day', () => {
    // New York springs forward on 2024-03-10 at 02:00: the calendar day has 23 hours.
    const w = reportWindow('2024-03-10', 'America/New_York');
    expect([iso(w.startMs), iso(w.endMs)]).toEqual(['2024-03-10T04:00:00.000Z', '2024-03-11T04:00:00.000Z']);
    expect(w.endMs - w.startMs).toBe(24 * HOUR);
    const labels = Array.from({ length: 5 }, (_, h) => localTimeAt(w.startMs + h * HOUR, 'America/New_York'));
    expect(labels).toEqual(['23:00', '00:00', '01:00', '03:00', '04:00']);
    // Falls back on 2024-11-03: a 25-hour calendar day, still a 24 h window ending at midnight.
    const fall = reportWindow('2024-11-03', 'America/New_York');
    expect([iso(fall.startMs), iso(fall.endMs)]).toEqual([
      '2024-11-03T05:00:00.000Z',
      '2024-11-04T05:00:00.000Z',
    ]);
  });

  it('rejects anything but a real YYYY-MM-DD date', () => {
    expect(isReportDate('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2024-13-01', '2024-3-10', '20240310', 'yesterday']) {
      expect(isReportDate(bad)).toBe(false);
      expect(() => reportWindow(bad, 'UTC')).toThrow(/not a report date/);
    }
  });
});

describe('the report date of a scheduled run', () => {
  it.each([
    // run at (UTC), zone, report date: the last local day that has ended
    ['2024-03-11T00:15:00Z', 'UTC', '2024-03-10'],
    ['2024-03-11T04:15:00Z', 'America/New_York', '2024-03-10'], // 00:15 EDT
    ['2024-03-11T03:59:00Z', 'America/New_York', '2024-03-09'], // still 23:59 on the 10th there
    ['2024-03-10T15:30:00Z', 'Asia/Tokyo', '2024-03-10'], // 00:30 on the 11th in Tokyo
    ['2024-03-10T15:30:00Z', 'UTC', '2024-03-09'],
    ['2024-01-01T00:15:00Z', 'UTC', '2023-12-31'],
  ])('a run at %s in %s reports on %s', (runAt, zone, date) => {
    expect(reportDateForRunAt(Date.parse(runAt), zone)).toBe(date);
  });

  it('covers, for every date of a backfill, exactly one daily run', () => {
    const span = backfillSpan('2024-03-09', '2024-03-11', 'Europe/Berlin');
    for (const time of ['00:00', '00:15', '12:00', '23:59']) {
      const [h, m] = time.split(':').map(Number);
      // Every daily fire time (Berlin) from a week before to a week after, inside the span.
      const fires: string[] = [];
      for (let d = -7; d <= 10; d++) {
        const day = addDays('2024-03-09', d);
        const w = reportWindow(addDays(day, -1), 'Europe/Berlin'); // w.endMs = local midnight starting `day`
        const fire = w.endMs + (h * 60 + m) * 60_000;
        if (fire >= span.startMs && fire <= span.endMs) fires.push(reportDateForRunAt(fire, 'Europe/Berlin'));
      }
      expect(fires).toEqual(['2024-03-09', '2024-03-10', '2024-03-11']);
    }
  });

  it('lists the dates of a range, both ends included', () => {
    expect(datesBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(datesBetween('2024-03-01', '2024-03-01')).toEqual(['2024-03-01']);
    expect(() => datesBetween('2024-03-02', '2024-03-01')).toThrow(/after/);
  });
});
