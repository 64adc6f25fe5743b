import { ConfigError, configuredSecretValues, loadConfig } from '../../src/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('works with no variables at all, using local defaults', () => {
    const config = loadConfig({});
    expect(config.temporal).toMatchObject({
      address: undefined,
      namespace: 'default',
      taskQueue: 'mlops-guardian',
    });
    expect(config.kafka.brokers).toBeUndefined();
    expect(config.kafka.topicDrift).toBe('data.drift.detected');
    expect(config.runtime).toMatchObject({ databaseUrl: undefined, timeZone: 'UTC', logLevel: 'info' });
    expect(config.guardian).toMatchObject({ businessHoursStart: 6, businessHoursEnd: 22, dryRun: false });
  });

  it('parses lists, flags and numbers', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      TEMPORAL_TLS: 'yes',
      BRIDGE_HTTP_PORT: '9000',
      TIME_ZONE: 'Europe/Berlin',
    });
    expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.temporal.tls).toBe(true);
    expect(config.bridge.httpPort).toBe(9000);
    expect(config.runtime.timeZone).toBe('Europe/Berlin');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: '', LOG_LEVEL: '  ' }).runtime.logLevel).toBe('info');
  });

  const badEnvironments: Array<[string, NodeJS.ProcessEnv, string[]]> = [
    [
      'broker list without ports',
      { KAFKA_BROKERS: 'kafka-1' },
      [
        'KAFKA_BROKERS="kafka-1" is invalid: expected a comma-separated list of host:port, e.g. kafka-1:9092,kafka-2:9092',
      ],
    ],
    [
      'Temporal address without a port',
      { TEMPORAL_ADDRESS: 'temporal.example.com' },
      [
        'TEMPORAL_ADDRESS="temporal.example.com" is invalid: expected host:port, e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233',
      ],
    ],
    [
      'client certificate without its key',
      { TEMPORAL_TLS_CERT_PATH: '/certs/client.pem' },
      [
        'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together: expected both paths or neither',
      ],
    ],
    [
      'unknown time zone',
      { TIME_ZONE: 'Mars/Olympus' },
      ['TIME_ZONE="Mars/Olympus" is invalid: expected an IANA time zone, e.g. UTC or Europe/Berlin'],
    ],
    [
      'unknown log level',
      { LOG_LEVEL: 'loud' },
      ['LOG_LEVEL="loud" is invalid: expected one of trace, debug, info, warn, error, fatal, silent'],
    ],
    ['not a boolean', { DRY_RUN: 'maybe' }, ['DRY_RUN="maybe" is invalid: expected true or false']],
    [
      'port out of range',
      { LOCAL_KAFKA_PORT: '70000' },
      ['LOCAL_KAFKA_PORT="70000" is invalid: expected a TCP port (1-65535)'],
    ],
    [
      'SASL mechanism without credentials',
      { KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      [
        'KAFKA_SASL_MECHANISM=scram-sha-512 but KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is missing: expected both',
      ],
    ],
    [
      'unknown SASL mechanism',
      { KAFKA_SASL_MECHANISM: 'kerberos' },
      [
        'KAFKA_SASL_MECHANISM="kerberos" is invalid: expected one of plain, scram-sha-256, scram-sha-512, oauthbearer',
      ],
    ],
    [
      'database URL of another kind (value is a secret: not echoed)',
      { DATABASE_URL: 'mysql://root:hunter2@db/mlops' },
      ['DATABASE_URL is invalid: expected a postgres:// URL, e.g. postgres://user:pass@localhost:5432/mlops'],
    ],
    [
      'webhook that is not http (value is a secret: not echoed)',
      { ALERT_WEBHOOK_URL: 'ftp://hooks.example/T000' },
      ['ALERT_WEBHOOK_URL is invalid: expected an http(s) URL'],
    ],
    [
      'e-mail alarms without sender and recipients',
      { ALERT_SMTP_HOST: 'smtp.example.com' },
      ['ALERT_SMTP_HOST is set: ALERT_EMAIL_FROM and ALERT_EMAIL_TO are required too'],
    ],
    [
      'an SMTP login without its password, and a recipient that is no address',
      {
        ALERT_SMTP_HOST: 'smtp.example.com',
        ALERT_SMTP_USER: 'guardian',
        ALERT_EMAIL_FROM: 'guardian@example.com',
        ALERT_EMAIL_TO: 'oncall@example.com, nobody',
      },
      [
        'ALERT_EMAIL_TO="oncall@example.com, nobody" is invalid: expected a comma-separated list of addresses',
        'ALERT_SMTP_HOST is set: ALERT_EMAIL_FROM and ALERT_EMAIL_TO are required too',
        'ALERT_SMTP_USER is set: ALERT_SMTP_PASSWORD is required too',
      ],
    ],
    [
      'bad topic name',
      { KAFKA_TOPIC_DRIFT: 'drift events!' },
      [
        'KAFKA_TOPIC_DRIFT="drift events!" is invalid: expected a Kafka topic name (letters, digits, ".", "_", "-")',
      ],
    ],
    [
      'maintenance window not HH:MM',
      { MAINTENANCE_WINDOW_START: '2am' },
      ['MAINTENANCE_WINDOW_START="2am" is invalid: expected a time HH:MM, e.g. 02:00'],
    ],
    [
      'training command variable that is not a name',
      { TRAINING_COMMAND_ENV: 'HF_HOME, CUDA-VISIBLE-DEVICES' },
      [
        'TRAINING_COMMAND_ENV="HF_HOME, CUDA-VISIBLE-DEVICES" is invalid: expected a comma-separated list of environment variable names, e.g. CUDA_VISIBLE_DEVICES,HF_HOME',
      ],
    ],
    [
      'training command variables written as assignments',
      { TRAINING_COMMAND_ENV: 'HF_HOME=/data' },
      [
        'TRAINING_COMMAND_ENV="HF_HOME=/data" is invalid: expected a comma-separated list of environment variable names, e.g. CUDA_VISIBLE_DEVICES,HF_HOME',
      ],
    ],
    [
      'several problems at once, all listed',
      { KAFKA_BROKERS: 'x', LOG_LEVEL: 'loud', VIDEO_BATCH_SIZE: '0' },
      [
        'KAFKA_BROKERS="x" is invalid: expected a comma-separated list of host:port, e.g. kafka-1:9092,kafka-2:9092',
        'LOG_LEVEL="loud" is invalid: expected one of trace, debug, info, warn, error, fatal, silent',
        'VIDEO_BATCH_SIZE="0" is invalid: expected a positive integer',
      ],
    ],
  ];

  it.each(badEnvironments)('rejects %s with the exact message', (_name, env, expected) => {
    expect(problemsOf(env)).toEqual(expected);
  });

  it('fails at start with one message that lists every bad variable', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'x', LOG_LEVEL: 'loud' })).toThrow(
      'Invalid configuration (2 problems):\n' +
        '  - KAFKA_BROKERS="x" is invalid: expected a comma-separated list of host:port, e.g. kafka-1:9092,kafka-2:9092\n' +
        '  - LOG_LEVEL="loud" is invalid: expected one of trace, debug, info, warn, error, fatal, silent',
    );
  });

  it('never echoes a secret value', () => {
    const message = problemsOf({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_PASSWORD: 's3cr3t',
      DATABASE_URL: 'x:s3cr3t',
    }).join('\n');
    expect(message).not.toContain('s3cr3t');
  });

  it('reads the extra variables of the training command as a list of names', () => {
    expect(loadConfig({}).guardian.trainingCommandEnv).toEqual([]);
    expect(
      loadConfig({ TRAINING_COMMAND_ENV: ' HF_HOME, CUDA_VISIBLE_DEVICES ,' }).guardian.trainingCommandEnv,
    ).toEqual(['HF_HOME', 'CUDA_VISIBLE_DEVICES']);
  });
});

describe('evaluation settings', () => {
  it('accept the auto and approval promotion modes, and refuse any other, saying which', () => {
    expect(problemsOf({ PROMOTION_MODE: 'approval' })).toEqual([]);
    expect(loadConfig({ PROMOTION_MODE: 'approval' }).guardian.promotionMode).toBe('approval');
    expect(problemsOf({ PROMOTION_MODE: 'manual' })).toEqual([
      'PROMOTION_MODE="manual" is invalid: expected auto or approval',
    ]);
  });

  it('refuse a metrics source without its backend, and a tolerance beside a minimum improvement', () => {
    // The built-in table needs nothing but the PostgreSQL the product already uses.
    expect(problemsOf({ EVALUATION_METRIC: 'auc' })).toEqual([]);
    expect(problemsOf({ EVALUATION_METRIC: 'auc', EVALUATION_METRICS_SOURCE: 'training' })).toEqual([
      'EVALUATION_METRICS_SOURCE=training reads the metrics from the HTTP training service: set TRAINING_SERVICE_URL, or choose builtin, mlflow or service',
    ]);
    expect(
      problemsOf({
        EVALUATION_METRIC: 'auc',
        EVALUATION_METRICS_SOURCE: 'service',
        EVALUATION_MIN_IMPROVEMENT: '0.01',
        EVALUATION_TOLERANCE: '0.02',
      }),
    ).toEqual([
      'EVALUATION_TOLERANCE and EVALUATION_MIN_IMPROVEMENT exclude each other: set one of them',
      'EVALUATION_METRICS_SOURCE=service needs EVALUATION_SERVICE_URL',
    ]);
    expect(problemsOf({ EVALUATION_METRIC: 'auc', EVALUATION_METRICS_SOURCE: 'mlflow' })).toEqual([
      'EVALUATION_METRICS_SOURCE=mlflow needs MLFLOW_TRACKING_URI',
    ]);
    // Without EVALUATION_METRIC nothing is evaluated, so the source needs nothing.
    expect(problemsOf({ EVALUATION_METRICS_SOURCE: 'mlflow' })).toEqual([]);
  });
});

describe('configuredSecretValues', () => {
  it('has nothing to hide in the local default configuration', () => {
    expect(configuredSecretValues(loadConfig({}))).toEqual([]);
  });

  it('lists every setting marked secret, and the password of any other URL', () => {
    const secrets = configuredSecretValues(
      loadConfig({
        DATABASE_URL: 'postgres://app:db-pass@db:5432/mlops',
        KAFKA_SASL_USERNAME: 'guardian',
        KAFKA_SASL_PASSWORD: 'kafka-pass',
        TEMPORAL_API_KEY: 'temporal-key',
        MLFLOW_TRACKING_TOKEN: 'mlflow-token',
        ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T/B/x',
        BRIDGE_HTTP_TOKEN: 'bridge-token-0123456789',
        MLFLOW_TRACKING_URI: 'https://ml:uri-pass@mlflow.example.com',
        SCALING_SERVICE_URL: 'http://scaler.internal/scale',
      }),
    );
    expect(secrets.sort()).toEqual(
      [
        'postgres://app:db-pass@db:5432/mlops',
        'kafka-pass',
        'temporal-key',
        'mlflow-token',
        'https://hooks.example.com/services/T/B/x',
        'bridge-token-0123456789',
        'uri-pass',
      ].sort(),
    );
  });
});

describe("the worker's /metrics listener", () => {
  it('is on by default, on loopback, and says which settings clash with it', () => {
    expect(loadConfig({}).worker).toEqual({ httpEnabled: true, httpHost: '127.0.0.1', httpPort: 8089 });
    expect(() => loadConfig({ WORKER_HTTP_PORT: '8088' })).toThrow(
      /WORKER_HTTP_PORT=8088 is also BRIDGE_HTTP_PORT/,
    );
    expect(() => loadConfig({ TEMPORAL_METRICS_ADDRESS: '127.0.0.1:8089' })).toThrow(
      /WORKER_HTTP_PORT=8089 is also the port of TEMPORAL_METRICS_ADDRESS/,
    );
    expect(loadConfig({ WORKER_HTTP_PORT: '8088', WORKER_HTTP_ENABLED: 'false' }).worker.httpEnabled).toBe(
      false,
    );
    expect(loadConfig({ WORKER_HTTP_PORT: '8088', BRIDGE_ENABLED: 'false' }).worker.httpPort).toBe(8088);
  });
});
