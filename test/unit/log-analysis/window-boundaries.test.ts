import { LogAggregate } from '../../../src/domain/log-analysis/aggregate';
import { LogAnalyzer } from '../../../src/domain/log-analysis/log-analyzer';
import { reportWindow } from '../../../src/domain/log-analysis/report-window';

const window = reportWindow('2024-03-10', 'UTC');
const iso = (ms: number) => new Date(ms).toISOString();
const line = (ms: number, msg = 'boom') => JSON.stringify({ level: 50, time: iso(ms), msg });

function analyse(lines: string[], analysedAtMs = window.endMs + 15 * 60_000, zone = 'UTC'): LogAggregate {
  const analyzer = new LogAnalyzer({
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    analysedAtMs,
    textTimeZone: zone,
  });
  for (const l of lines) analyzer.addLine(l, 'test');
  return analyzer.snapshot();
}

describe('window boundaries', () => {
  it('a line at exactly 24 h before the end is in the window (start inclusive)', () => {
    const agg = analyse([line(window.startMs)]);
    expect([agg.inWindow, agg.beforeWindow]).toEqual([1, 0]);
    expect(agg.hourly.errors[0]).toBe(1);
  });

  it('a millisecond earlier is before the window', () => {
    expect(analyse([line(window.startMs - 1)]).beforeWindow).toBe(1);
  });

  it('a line at exactly the end belongs to the next day (end exclusive)', () => {
    const agg = analyse([line(window.endMs)]);
    expect([agg.inWindow, agg.afterWindow]).toEqual([0, 1]);
  });

  it('the last millisecond is in the window, in the last hour', () => {
    const agg = analyse([line(window.endMs - 1)]);
    expect(agg.inWindow).toBe(1);
    expect(agg.hourly.errors[23]).toBe(1);
  });

  it('clock skew: lines stamped after the analysis ran are counted as skew, and attributed by their own stamp', () => {
    const analysedAt = window.endMs - 10 * 60_000; // a report of "today so far", 23:50
    const agg = analyse(
      [line(analysedAt + 30_000), line(window.endMs + 60_000), line(analysedAt - 1)],
      analysedAt,
    );
    expect(agg.futureLines).toBe(2);
    expect(agg.inWindow).toBe(2); // 23:50:30 is still inside the day
    expect(agg.afterWindow).toBe(1);
  });

  it('a day report running at 00:15 the next day sees lines of 00:05 as after the window, not as skew', () => {
    const agg = analyse([line(window.endMs + 5 * 60_000)], window.endMs + 15 * 60_000);
    expect([agg.afterWindow, agg.futureLines]).toEqual([1, 0]);
  });

  it('lines out of order give the same result as sorted lines', () => {
    const times = [0, 5, 3600, 7200, 30, 86_399, 43_200, 1, 86_400, -1].map((s) => window.startMs + s * 1000);
    const lines = times.map((t, i) => line(t, `error ${i % 3 === 0 ? 'connection refused' : 'timed out'}`));
    const sorted = [...lines].sort((a, b) => Date.parse(JSON.parse(a).time) - Date.parse(JSON.parse(b).time));
    const a = analyse(lines);
    const b = analyse(sorted);
    // Only the example message of a group can differ (first seen); counts must not.
    const strip = (x: LogAggregate) => ({ ...x, messages: x.messages.map((m) => ({ ...m, example: '' })) });
    expect(strip(a)).toEqual(strip(b));
    expect([a.inWindow, a.beforeWindow, a.afterWindow]).toEqual([8, 1, 1]);
  });

  it('text timestamps are read in the text zone, so the same line falls into another day elsewhere', () => {
    const text = '[2024-03-10 00:30:00] ERROR api | boom';
    const berlinWindow = reportWindow('2024-03-10', 'Europe/Berlin');
    const inBerlin = new LogAnalyzer({
      windowStartMs: berlinWindow.startMs,
      windowEndMs: berlinWindow.endMs,
      analysedAtMs: berlinWindow.endMs,
      textTimeZone: 'Europe/Berlin',
    });
    inBerlin.addLine(text, 'test');
    expect(inBerlin.snapshot().hourly.errors[0]).toBe(1); // 00:30 Berlin = 23:30Z the day before, hour 00:00 of the Berlin day
    expect(analyse([text], window.endMs, 'Asia/Tokyo').beforeWindow).toBe(1); // 00:30 Tokyo = 15:30Z on the 9th
  });
});
