import { LocalTimestamps } from '../../../src/domain/log-analysis/local-timestamps';
import { isMalformed, LogRecord, ParsedLine } from '../../../src/domain/log-analysis/log-line';
import { parseLogLine } from '../../../src/domain/log-analysis/parse-line';

const utc = new LocalTimestamps('UTC');
const parse = (line: string, zone = utc): ParsedLine => parseLogLine(line, zone);
const record = (line: string, zone = utc): LogRecord => {
  const parsed = parse(line, zone);
  if (isMalformed(parsed)) throw new Error(`unexpectedly malformed: ${parsed.malformed}`);
  return parsed;
};

describe('text lines', () => {
  it.each([
    ['[2024-03-10 14:05:09] ERROR api | boom', Date.UTC(2024, 2, 10, 14, 5, 9), 'error', 'api', 'boom'],
    ['[2024-03-10 14:05:09,123] INFO api | ok', Date.UTC(2024, 2, 10, 14, 5, 9, 123), 'info', 'api', 'ok'],
    [
      '[2024-03-10T14:05:09.5] WARNING worker.pool | slow',
      Date.UTC(2024, 2, 10, 14, 5, 9, 500),
      'warn',
      'worker.pool',
      'slow',
    ],
    ['[2024-03-10 14:05:09] WARN x | y', Date.UTC(2024, 2, 10, 14, 5, 9), 'warn', 'x', 'y'],
    ['[2024-03-10 14:05:09] CRITICAL db | gone', Date.UTC(2024, 2, 10, 14, 5, 9), 'critical', 'db', 'gone'],
    ['[2024-03-10 14:05:09] FATAL db | gone', Date.UTC(2024, 2, 10, 14, 5, 9), 'critical', 'db', 'gone'],
    [
      '[2024-03-10 14:05:09] debug db | lower-case level',
      Date.UTC(2024, 2, 10, 14, 5, 9),
      'debug',
      'db',
      'lower-case level',
    ],
    [
      '[2024-03-10 14:05:09] ERROR no name given',
      Date.UTC(2024, 2, 10, 14, 5, 9),
      'error',
      'unknown',
      'no name given',
    ],
    [
      '[2024-03-10 14:05:09] INFO a | message | with bars',
      Date.UTC(2024, 2, 10, 14, 5, 9),
      'info',
      'a',
      'message | with bars',
    ],
  ])('%s', (line, timeMs, level, component, message) => {
    expect(record(line)).toMatchObject({ timeMs, level, component, message, format: 'text' });
  });

  it('reads zone-less timestamps in the given zone', () => {
    expect(record('[2024-07-01 09:00:00] INFO a | b', new LocalTimestamps('Europe/Berlin')).timeMs).toBe(
      Date.UTC(2024, 6, 1, 7, 0, 0),
    );
    expect(record('[2024-01-01 09:00:00] INFO a | b', new LocalTimestamps('Europe/Berlin')).timeMs).toBe(
      Date.UTC(2024, 0, 1, 8, 0, 0),
    );
  });

  it.each([
    ['[2024-13-10 14:05:09] INFO a | b', 'bad timestamp: expected [YYYY-MM-DD HH:MM:SS]'],
    ['[2024-03-10 14:60:09] INFO a | b', 'bad timestamp: expected [YYYY-MM-DD HH:MM:SS]'],
    ['[2024-03-10 1:05:09] INFO a | b', 'bad timestamp: expected [YYYY-MM-DD HH:MM:SS]'],
    ['[2024-03-10 14:05:09 INFO a | b', "bad timestamp: expected ']' after [YYYY-MM-DD HH:MM:SS]"],
    ['[short]', 'too short for a [YYYY-MM-DD HH:MM:SS] line'],
    ['[2024-03-10 14:05:09] LOUD a | b', "unknown level 'LOUD'"],
    ['plain words', 'not a JSON object or a [YYYY-MM-DD HH:MM:SS] line'],
    ['PERF api | call completed in 1.0s', 'PERF line without a [YYYY-MM-DD HH:MM:SS] timestamp'],
  ])('%s is malformed: %s', (line, reason) => {
    expect(parse(line)).toEqual({ malformed: reason });
  });
});

describe('PERF lines', () => {
  it.each([
    [
      '[2024-03-10 14:05:09] PERF api_gateway | api call /predict completed in 6.100s',
      'api_gateway',
      'api call /predict',
      6.1,
    ],
    ['[2024-03-10 14:05:09] PERF db | query completed in 250ms', 'db', 'query', 0.25],
    ['[2024-03-10 14:05:09] PERF db | query completed in 3s', 'db', 'query', 3],
    ['[2024-03-10 14:05:09] INFO perf | PERF etl | batch completed in 31.5s', 'etl', 'batch', 31.5],
    [
      '[2024-03-10 14:05:09] PERF x | step completed in retry completed in 2.0s',
      'x',
      'step completed in retry',
      2,
    ],
  ])('%s', (line, component, operation, seconds) => {
    expect(record(line).perf).toEqual({ component, operation, seconds });
  });

  it.each([
    '[2024-03-10 14:05:09] PERF db | query took 2s',
    '[2024-03-10 14:05:09] PERF db | query completed in fast',
    '[2024-03-10 14:05:09] PERF db | query completed in 1.2.3s',
    '[2024-03-10 14:05:09] PERF db | query completed in 2 minutes',
    '[2024-03-10 14:05:09] PERF db | completed in 2s',
  ])('a PERF line that does not say how long is malformed: %s', (line) => {
    expect(isMalformed(parse(line))).toBe(true);
  });

  it.each([
    [
      '[2024-03-10 10:00:03] PERF performance.api | api_fetch_movies completed in 5.001s | {"status": 200, "rows": 20}',
      'performance.api',
      'api_fetch_movies',
      5.001,
    ],
    [
      '[2024-03-10 10:00:03] PERF m | train completed in 12.000s | {"note": "last run completed in 99.000s"}',
      'm',
      'train',
      12,
    ],
    ['[2024-03-10 10:00:03] PERF m | load-ratings completed in 250ms | {}', 'm', 'load-ratings', 0.25],
    [
      '[2024-03-10 10:00:03] INFO x | PERF etl | batch completed in 31.5s | {"batch": 7}',
      'etl',
      'batch',
      31.5,
    ],
  ])('reads the duration before the metadata: %s', (line, component, operation, seconds) => {
    expect(record(line).perf).toEqual({ component, operation, seconds });
  });

  it.each([
    '[2024-03-10 10:00:03] PERF api | search completed in 6.000s | {status: 500}',
    '[2024-03-10 10:00:03] PERF api | search completed in 6.000s | [1, 2]',
    '[2024-03-10 10:00:03] PERF api | search completed in 6.000s | status=500',
  ])('counts the operation and flags metadata that is not a JSON object: %s', (line) => {
    expect(record(line).perf).toEqual({
      component: 'api',
      operation: 'search',
      seconds: 6,
      unreadableMetadata: true,
    });
  });

  it('reads a JSON PERF message with metadata', () => {
    expect(record('{"time":0,"msg":"PERF api | call completed in 1.25s | {\\"rows\\": 3}"}').perf).toEqual({
      component: 'api',
      operation: 'call',
      seconds: 1.25,
    });
  });

  it('a message that starts with PERF but has no component is malformed', () => {
    expect(parse('[2024-03-10 14:05:09] INFO x | PERF no bar completed in 1s')).toEqual({
      malformed: "PERF line without 'component | operation'",
    });
  });
});

describe('JSON lines', () => {
  it('reads pino lines: epoch time, numeric level, component, err detail', () => {
    const r = record(
      '{"level":50,"time":1710079509000,"pid":1,"service":"mlops-guardian","component":"bridge","msg":"send failed","err":{"type":"KafkaJSError","message":"ECONNREFUSED 127.0.0.1:9092"}}',
    );
    expect(r).toMatchObject({
      timeMs: 1710079509000,
      level: 'error',
      component: 'bridge',
      message: 'send failed',
      detail: 'KafkaJSError ECONNREFUSED 127.0.0.1:9092',
      format: 'json',
    });
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'critical'],
  ])('pino level %d is %s', (level, name) => {
    expect(record(`{"level":${level},"time":0,"msg":"x"}`).level).toBe(name);
  });

  it('reads the common variants: ISO time with offset, level words, message, logger/service names', () => {
    expect(
      record('{"timestamp":"2024-03-10T10:00:00+02:00","level":"WARNING","message":"m","logger":"l"}'),
    ).toMatchObject({
      timeMs: Date.UTC(2024, 2, 10, 8),
      level: 'warn',
      message: 'm',
      component: 'l',
    });
    expect(
      record('{"time":"2024-03-10T10:00:00Z","level":"error","msg":"m","service":"svc"}').component,
    ).toBe('svc');
    expect(record('{"time":"2024-03-10T10:00:00Z","msg":"no level"}').level).toBe('info');
  });

  it('reads an ISO time without a zone in the text-log zone', () => {
    expect(record('{"time":"2024-03-10T10:00:00","msg":"m"}', new LocalTimestamps('Asia/Tokyo')).timeMs).toBe(
      Date.UTC(2024, 2, 10, 1),
    );
  });

  it('reads performance records from operation + durationMs and from PERF messages', () => {
    expect(
      record('{"time":0,"component":"db","operation":"insert rows","durationMs":1500,"msg":"saved"}').perf,
    ).toEqual({
      component: 'db',
      operation: 'insert rows',
      seconds: 1.5,
    });
    expect(record('{"time":0,"msg":"PERF api | call completed in 1.25s"}').perf).toEqual({
      component: 'api',
      operation: 'call',
      seconds: 1.25,
    });
  });

  it.each([
    ['{"time":0,"msg":"cut off', 'invalid JSON'],
    ['{"msg":"no time"}', 'JSON line without time/timestamp'],
    ['{"time":"yesterday","msg":"x"}', 'JSON line with an unreadable time'],
    ['{"time":0,"level":"LOUD","msg":"x"}', 'JSON line with unknown level "LOUD"'],
    ['{"time":0,"level":true,"msg":"x"}', 'JSON line with unknown level true'],
  ])('%s is malformed: %s', (line, reason) => {
    expect(parse(line)).toEqual({ malformed: reason });
  });
});
