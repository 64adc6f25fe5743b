import { Writable } from 'node:stream';
import { loadConfig, configuredSecretValues } from '../../src/config';
import { createLogger, LoggerSettings } from '../../src/logger';
import { createSecretScrubber } from '../../src/redaction/secret-scrubber';

function capture(settings: Partial<LoggerSettings> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', pretty: false, ...settings }, stream) };
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

  it('matches secret field names in any case and spelling, at any depth', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        a: { b: { c: { d: { Password: 'q1', mlflowTrackingToken: 'q2', 'X-Api-Key': 'q3' } } } },
        headers: [{ Authorization: 'Bearer q4' }, { cookie: 'session=q5' }],
        MLFLOW_TRACKING_TOKEN: 'q6',
        guardian: { alertWebhookUrl: 'https://hooks.example.com/q7', webhookUrl: 'https://x/q8' },
        bridge: { httpToken: 'q9-token-value' },
        client_secret: 'q10',
      },
      'nested',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10']) {
      expect(text).not.toContain(secret);
    }
    // Names that merely contain a secret word stay readable.
    logger.info({ tokenCount: 3, keyspace: 'k' }, 'counts');
    expect(lines[1]).toMatchObject({ tokenCount: 3, keyspace: 'k' });
  });

  it('scrubs credentials from messages, error messages and stacks, and child bindings', () => {
    const { lines, logger } = capture();
    const err = new Error('connect to postgres://app:hunter2@db:5432/mlops failed');
    logger.error({ err }, 'audit write failed');
    logger.error(err);
    logger.warn('retrying https://svc:pw-in-url@scaler.internal/scale with Authorization: Bearer abcdefgh');
    logger.child({ target: 'https://u:child-pw@mlflow.internal' }).info('child');
    logger.info({ cause: new TypeError('token=inside-an-error') }, 'wrapped');
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', 'pw-in-url', 'abcdefgh', 'child-pw', 'inside-an-error']) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      err: { type: 'Error', message: 'connect to postgres://app:[redacted]@db:5432/mlops failed' },
    });
    expect((lines[0].err as { stack: string }).stack).toMatch(
      /^Error: connect to postgres:\/\/app:\[redacted\]@/,
    );
    expect(lines[1].msg).toBe('connect to postgres://app:[redacted]@db:5432/mlops failed');
    expect(lines[4]).toMatchObject({ cause: { type: 'TypeError', message: 'token=[redacted]' } });
  });

  it("scrubs the configuration's own secret values wherever they appear", () => {
    const config = loadConfig({
      KAFKA_SASL_PASSWORD: 'kafka-pass-1',
      TEMPORAL_API_KEY: 'temporal-key-2',
      MLFLOW_TRACKING_TOKEN: 'mlflow-token-3',
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T1/B2/slack-4',
      BRIDGE_HTTP_TOKEN: 'bridge-token-5-long-enough',
      DATABASE_URL: 'postgres://app:db-pass-6@db:5432/mlops',
    });
    const { lines, logger } = capture({ scrubber: createSecretScrubber(configuredSecretValues(config)) });
    const secrets = configuredSecretValues(config);
    logger.info(
      { note: `plain text mentions ${secrets.join(' and ')}` },
      `message with ${secrets.join(', ')}`,
    );
    logger.info('password on its own: db-pass-6, %s', 'kafka-pass-1');
    const text = JSON.stringify(lines);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('db-pass-6');
    expect(lines[1].msg).toBe('password on its own: [redacted], [redacted]');
  });

  it('logs ordinary values, arrays and objects with toJSON as JSON.stringify would', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        models: ['a', 'b'],
        at: new Date(0),
        url: new URL('https://u:url-object-pw@mlflow.internal/api'),
        nested: { n: 1, ok: true, none: null },
      },
      'plain',
    );
    expect(lines[0]).toMatchObject({
      models: ['a', 'b'],
      at: '1970-01-01T00:00:00.000Z',
      url: 'https://u:[redacted]@mlflow.internal/api',
      nested: { n: 1, ok: true, none: null },
    });
  });

  it('survives circular and very deep objects', () => {
    const { lines, logger } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 50; i++) deep = { deep };
    logger.info({ loop, deep }, 'odd shapes');
    expect(lines[0]).toMatchObject({ loop: { name: 'loop', self: '[Circular]' } });
    expect(JSON.stringify(lines[0])).toContain('[too deep]');
  });
});

describe('child loggers', () => {
  it('keep every ancestor binding and have their own redacted', () => {
    const { lines, logger } = capture();
    logger
      .child({ component: 'training' })
      .child({ job_id: 'j1', apiKey: 'grandchild-key', url: 'http://u:gc-pw@h/' })
      .info('line');
    expect(lines[0]).toMatchObject({
      component: 'training',
      job_id: 'j1',
      apiKey: '[REDACTED]',
      url: 'http://u:[redacted]@h/',
    });
  });
});
