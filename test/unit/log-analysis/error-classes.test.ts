import { classifyError, ErrorClass } from '../../../src/domain/log-analysis/error-classes';
import type { LogLevel, LogRecord } from '../../../src/domain/log-analysis/log-line';

const error = (message: string, level: LogLevel = 'error', detail = ''): LogRecord => ({
  timeMs: 0,
  level,
  component: 'x',
  message,
  detail,
  format: 'text',
});

describe('error classes (README "Daily log report")', () => {
  it.each<[string, ErrorClass[]]>([
    ['Connection refused to db:5432', ['connection']],
    ['could not connect to kafka', ['connection']],
    ['read ECONNRESET', ['connection']],
    ['socket hang up', ['connection']],
    ['Request timed out after 30 s', ['timeout']],
    ['Timeout waiting for scorer', ['timeout']],
    ['ETIMEDOUT', ['timeout']],
    ['grpc: deadline exceeded', ['timeout']],
    ['connection timeout to redis', ['connection', 'timeout']],
    ['GET /models/x returned 404', ['http_404']],
    ['model fraud not found', ['http_404']],
    ['HTTP 500 from scorer', ['http_500']],
    ['upstream said Internal Server Error', ['http_500']],
    ['status=500;', ['http_500']],
    ['Validation failed for field amount', ['validation']],
    ['invalid payload', ['validation']],
    ['CRITICAL: disk full', ['critical']],
    ['order 14042 failed', []],
    ['took 5000 ms then failed', []],
    ['payment declined', []],
    ['critical path slow', []], // lower-case "critical" is not the CRITICAL marker
  ])('%s → %j', (message, classes) => {
    expect(classifyError(error(message))).toEqual(classes);
  });

  it('a CRITICAL or FATAL level line is a critical error whatever it says', () => {
    expect(classifyError(error('Database connection lost', 'critical'))).toEqual(['connection', 'critical']);
    expect(classifyError(error('disk full', 'critical'))).toEqual(['critical']);
  });

  it('classifies on the error detail (pino err) too', () => {
    expect(classifyError(error('send failed', 'error', 'KafkaJSConnectionError ECONNREFUSED'))).toEqual([
      'connection',
    ]);
  });
});
