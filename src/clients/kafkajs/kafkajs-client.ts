import { Kafka, KafkaConfig as KafkaJsConfig, logLevel, Partitioners } from 'kafkajs';
import type { KafkaConfig } from '../../config/kafka';
import type { Logger } from '../../logger';
import { KafkaClient, KafkaMessageTooLargeError, KafkaProducer } from '../kafka-client';
import { kafkaTlsOptions } from '../kafka-tls-options';
import { kafkajsGroupConsumer } from './kafkajs-group-consumer';
import { saslOptions } from './kafkajs-sasl';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own log lines go through our (redacting) logger. */
export function createKafkajs(config: KafkaConfig, brokers: string[], logger: Logger): Kafka {
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

function isMessageTooLarge(err: unknown): boolean {
  const e = err as { type?: string; cause?: { type?: string } } | null;
  return e?.type === 'MESSAGE_TOO_LARGE' || e?.cause?.type === 'MESSAGE_TOO_LARGE';
}

async function kafkajsProducer(kafka: Kafka): Promise<KafkaProducer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    // Murmur2 keyed partitioning, as the Java client does: a model's events share a partition either way.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async send(topic, messages) {
      try {
        await producer.send({ topic, acks: -1, messages });
      } catch (err) {
        if (isMessageTooLarge(err))
          throw new KafkaMessageTooLargeError((err as Error).message, { cause: err });
        throw err;
      }
    },
    disconnect: () => producer.disconnect(),
  };
}

/** The default Kafka client (KAFKA_CLIENT=kafkajs). */
export function createKafkajsClient(config: KafkaConfig, brokers: string[], logger: Logger): KafkaClient {
  const kafka = createKafkajs(config, brokers, logger);
  return {
    name: 'kafkajs',
    createProducer: () => kafkajsProducer(kafka),
    groupConsumer: (options) => kafkajsGroupConsumer(kafka, options),
    async ensureTopics(topics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map(({ topic, partitions }) => ({
              topic,
              numPartitions: partitions,
              replicationFactor: 1,
            })),
          });
        }
      } finally {
        await admin.disconnect();
      }
    },
  };
}
