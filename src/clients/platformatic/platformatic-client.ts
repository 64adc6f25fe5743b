import type { BaseOptions, Producer } from '@platformatic/kafka';
import type { KafkaConfig } from '../../config/kafka';
import type { Logger } from '../../logger';
import {
  KafkaClient,
  KafkaHeaders,
  KafkaMessageTooLargeError,
  KafkaProducer,
  OutgoingMessage,
} from '../kafka-client';
import { oauthBearerTokenFromFile } from '../kafka-oauthbearer-token';
import { kafkaTlsOptions } from '../kafka-tls-options';
import { loadPlatformaticKafka, PlatformaticKafka } from './load-platformatic-kafka';
import { platformaticGroupConsumer } from './platformatic-group-consumer';

const MECHANISMS = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
  oauthbearer: 'OAUTHBEARER',
} as const;

/** What every client of the library gets: brokers, TLS, SASL, client id. */
function connectionSettings(config: KafkaConfig, brokers: string[]): BaseOptions {
  const tls = kafkaTlsOptions(config);
  const sasl = !config.saslMechanism
    ? undefined
    : config.saslMechanism === 'oauthbearer'
      ? {
          mechanism: MECHANISMS.oauthbearer,
          token: oauthBearerTokenFromFile(config.saslOauthbearerTokenPath!),
        }
      : {
          mechanism: MECHANISMS[config.saslMechanism],
          username: config.saslUsername,
          password: config.saslPassword,
        };
  return {
    clientId: config.clientId,
    bootstrapBrokers: brokers,
    tls: tls === false ? undefined : tls === true ? {} : tls,
    sasl,
    // Topics are created by the product (local stack) or by their operators, never by a typo.
    autocreateTopics: false,
  };
}

function bytes(value: Buffer | string | null | undefined): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** Headers as the library writes them: a Map, so a repeated header keeps every value. */
function headerMap(headers: KafkaHeaders | undefined): Map<Buffer, Buffer> {
  const map = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const part of Array.isArray(value) ? value : [value]) {
      if (part !== undefined) map.set(Buffer.from(name), bytes(part)!);
    }
  }
  return map;
}

function isMessageTooLarge(error: unknown, depth = 0): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  const e = error as { apiId?: string; errors?: unknown[]; cause?: unknown };
  if (e.apiId === 'MESSAGE_TOO_LARGE') return true;
  return [...(Array.isArray(e.errors) ? e.errors : []), e.cause].some((i) => isMessageTooLarge(i, depth + 1));
}

async function platformaticProducer(lib: PlatformaticKafka, connection: BaseOptions): Promise<KafkaProducer> {
  const producer: Producer = new lib.Producer({ ...connection, idempotent: true, acks: lib.ProduceAcks.ALL });
  // Connect now, as kafkajs does: a wrong address or certificate shows at start, not at the first event.
  await producer.metadata({ topics: [] });
  return {
    async send(topic, messages: OutgoingMessage[]) {
      try {
        await producer.send({
          messages: messages.map((m) => ({
            topic,
            key: bytes(m.key),
            value: bytes(m.value),
            headers: headerMap(m.headers),
            timestamp: m.timestamp === undefined ? undefined : BigInt(m.timestamp),
          })),
        });
      } catch (err) {
        if (isMessageTooLarge(err))
          throw new KafkaMessageTooLargeError((err as Error).message, { cause: err });
        throw err;
      }
    },
    disconnect: () => producer.close(),
  };
}

/** The second Kafka client (KAFKA_CLIENT=platformatic), loaded only when chosen. */
export async function createPlatformaticClient(
  config: KafkaConfig,
  brokers: string[],
  logger: Logger,
): Promise<KafkaClient> {
  const lib = await loadPlatformaticKafka();
  const connection = connectionSettings(config, brokers);
  logger.debug({ component: 'kafka', client: 'platformatic' }, 'Kafka client: @platformatic/kafka');
  return {
    name: 'platformatic',
    createProducer: () => platformaticProducer(lib, connection),
    groupConsumer: (options) => platformaticGroupConsumer(lib, connection, options),
    async ensureTopics(topics) {
      const admin = new lib.Admin(connection);
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length > 0) {
          await admin.createTopics({
            topics: missing.map(({ topic, partitions }) => ({ topic, partitions, replicas: 1 })),
          });
        }
      } finally {
        await admin.close();
      }
    },
  };
}
