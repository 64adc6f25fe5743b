import { readTimestamp } from '../../../src/domain/ingest/timestamps';

describe('readTimestamp', () => {
  it.each([
    ['an offset, kept as written', '2026-03-02T10:15:00.123456+09:00', '2026-03-02T10:15:00.123456+09:00'],
    ['Z, kept as written', '2026-03-02T01:15:00Z', '2026-03-02T01:15:00Z'],
    [
      'a space and +hhmm, as other languages print them',
      '2026-03-02 10:15:00+0900',
      '2026-03-02T01:15:00.000Z',
    ],
  ])('reads %s without an assumption', (_what, input, iso) => {
    expect(readTimestamp(input, 'Asia/Seoul')).toEqual({ ok: true, iso });
  });

  it.each([
    ['naive with microseconds', '2026-03-02T10:15:00.123456', 'Asia/Seoul', '2026-03-02T01:15:00.123Z'],
    ['naive without seconds', '2026-03-02T10:15', 'Asia/Seoul', '2026-03-02T01:15:00.000Z'],
    ["naive with a space (Python's str())", '2026-03-02 10:15:00', 'UTC', '2026-03-02T10:15:00.000Z'],
    [
      'naive in a spring-forward gap: offset from before',
      '2026-03-29T02:30:00',
      'Europe/Berlin',
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'naive in a fall-back overlap: first occurrence',
      '2026-10-25T02:30:00',
      'Europe/Berlin',
      '2026-10-25T00:30:00.000Z',
    ],
    ['epoch seconds', 1772442900, 'UTC', '2026-03-02T09:15:00.000Z'],
    ['fractional epoch seconds (time.time())', 1772442900.25, 'UTC', '2026-03-02T09:15:00.250Z'],
    ['epoch milliseconds', 1772442900123, 'UTC', '2026-03-02T09:15:00.123Z'],
  ])('reads %s and says what it assumed', (_what, input, zone, iso) => {
    const reading = readTimestamp(input, zone);
    expect(reading).toEqual({ ok: true, iso, assumption: expect.stringContaining(String(input)) });
  });

  it.each([
    ['a word', 'yesterday', 'not an ISO-8601 date-time'],
    ['a date only', '2026-03-02', 'not an ISO-8601 date-time'],
    ['an impossible date', '2026-02-30T10:00:00', 'not a valid date-time'],
    ['an impossible hour', '2026-03-02T25:00:00', 'not a valid date-time'],
    ['a boolean', true, 'got a boolean'],
    ['a negative epoch', -5, 'not a time between 1971 and 9999'],
    ['epoch microseconds', 1772442900123456, 'not a time between 1971 and 9999'],
    ['an offset on an impossible date', '2026-13-02T10:00:00Z', 'not a valid date-time'],
  ])('rejects %s', (_what, input, part) => {
    const reading = readTimestamp(input, 'UTC');
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.reason).toContain(part);
  });
});
