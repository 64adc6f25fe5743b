import { Kafka, KafkaConfig as KafkaJsConfig, logLevel, Partitioners, Producer, SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config/kafka';
import type { Logger } from '../logger';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function saslOptions(config: KafkaConfig): SASLOptions | undefined {
  if (!config.saslMechanism || !config.saslUsername || !config.saslPassword) return undefined;
  const credentials = { username: config.saslUsername, password: config.saslPassword };
  switch (config.saslMechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
  }
}

/** A kafkajs client whose own log lines go through our (redacting) logger. */
export function createKafka(config: KafkaConfig, brokers: string[], logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const options: KafkaJsConfig = {
    clientId: config.clientId,
    brokers,
    ssl: config.ssl,
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
