import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import {
  Kafka,
  KafkaConfig as KafkaJsConfig,
  logLevel,
  Mechanism,
  Partitioners,
  Producer,
  SASLOptions,
} from 'kafkajs';
import { KafkaConfig, kafkaUsesTls } from '../config/kafka';
import type { Logger } from '../logger';
import { oauthBearerAuthenticator } from './kafka-oauthbearer';
import { readPemFile } from './pem-file';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * TLS options of the broker connections: `true` (system CAs) unless a CA file or a client
 * certificate is configured; `false` without TLS.
 */
export function kafkaTlsOptions(config: KafkaConfig): ConnectionOptions | boolean {
  if (!kafkaUsesTls(config)) return false;
  const options: ConnectionOptions = {};
  if (config.sslCaPath) options.ca = [readPemFile('KAFKA_SSL_CA_PATH', config.sslCaPath)];
  if (config.sslCertPath && config.sslKeyPath) {
    options.cert = readPemFile('KAFKA_SSL_CERT_PATH', config.sslCertPath);
    options.key = readPemFile('KAFKA_SSL_KEY_PATH', config.sslKeyPath);
  }
  return Object.keys(options).length > 0 ? options : true;
}

/** Reads the bearer token file at every (re-)authentication, so a renewed token is used at once. */
function oauthBearerFromFile(path: string) {
  return async () => {
    let token: string;
    try {
      token = (await readFile(path, 'utf8')).trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(`KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=${JSON.stringify(path)} cannot be read (${code})`, {
        cause: err,
      });
    }
    if (token === '') throw new Error(`KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=${JSON.stringify(path)} is empty`);
    return { value: token };
  };
}

/** OAUTHBEARER with the token file, and an authenticator that reports a refused token as such. */
export type OauthBearerSasl = Extract<SASLOptions, { mechanism: 'oauthbearer' }> & Mechanism;

export function saslOptions(
  config: KafkaConfig,
): Exclude<SASLOptions, { mechanism: 'oauthbearer' }> | OauthBearerSasl | undefined {
  if (config.saslMechanism === 'oauthbearer' && config.saslOauthbearerTokenPath) {
    const oauthBearerProvider = oauthBearerFromFile(config.saslOauthbearerTokenPath);
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider,
      authenticationProvider: oauthBearerAuthenticator(
        oauthBearerProvider,
        `KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=${JSON.stringify(config.saslOauthbearerTokenPath)}`,
      ),
    };
  }
  if (!config.saslMechanism || !config.saslUsername || !config.saslPassword) return undefined;
  const credentials = { username: config.saslUsername, password: config.saslPassword };
  switch (config.saslMechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
    default:
      return undefined;
  }
}

/** A kafkajs client whose own log lines go through our (redacting) logger. */
export function createKafka(config: KafkaConfig, brokers: string[], logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const options: KafkaJsConfig = {
    clientId: config.clientId,
    brokers,
    ssl: kafkaTlsOptions(config),
    sasl: saslOptions(config),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        kafkaLogger[LEVEL_NAMES[level] ?? 'info'](extra, message);
      },
  };
  return new Kafka(options);
}

/** A connected producer; idempotent so a retried send never writes a message twice. */
export async function createProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    // Murmur2 keyed partitioning, as the Java client does: a model's events share a partition either way.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Creates missing topics (existing ones are left as they are). */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 4): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
