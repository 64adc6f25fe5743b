import { Writable } from 'node:stream';
import { createLogger, redactUrlCredentials } from '../../src/logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', pretty: false }, stream) };
}

describe('logger', () => {
  it('writes JSON lines with the level name and component of a child logger', () => {
    const { lines, logger } = capture();
    logger.child({ component: 'bridge' }).info({ offset: '42' }, 'consumed');
    expect(lines[0]).toMatchObject({ level: 'info', component: 'bridge', offset: '42', msg: 'consumed' });
  });

  it('redacts passwords, tokens, keys, SASL credentials and database URLs', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'p1',
        config: {
          kafka: { saslPassword: 'p2', sasl: { username: 'u', password: 'p3' } },
          runtime: { databaseUrl: 'postgres://u:p4@h/db' },
        },
        temporal: { apiKey: 'p5' },
        request: { headers: { authorization: 'Bearer p6' } },
        token: 'p7',
      },
      'settings',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
  });

  it('scrubs credentials from URLs inside messages', () => {
    expect(redactUrlCredentials('connect to postgres://app:hunter2@db:5432/mlops failed')).toBe(
      'connect to postgres://app:***@db:5432/mlops failed',
    );
  });
});
