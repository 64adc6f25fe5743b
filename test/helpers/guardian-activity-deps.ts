import { Writable } from 'node:stream';
import type { MockActivityEnvironment } from '@temporalio/testing';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import type { ActivityDeps } from '../../src/activities/deps';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import type { KafkaProducer } from '../../src/clients/kafka-client';
import { createKafkajs } from '../../src/clients/kafkajs/kafkajs-client';
import { createPgPool } from '../../src/clients/postgres';
import type { Config } from '../../src/config';
import { migrate } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { testConfig, uniqueName } from './stack';

/** Every log line the activities wrote, parsed. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface GuardianTestContext {
  config: Config;
  pool: Pool;
  /** kafkajs, for reading what the product published. */
  kafka: Kafka;
  producer: KafkaProducer;
  logs: LogLine[];
  /** Deps for activities, with settings overridden as given (backends are chosen from them). */
  depsWith(overrides?: NodeJS.ProcessEnv): ActivityDeps;
  close(): Promise<void>;
}

/** Real PostgreSQL (migrated) and Kafka from the global stack, and a logger whose lines the test can read. */
export async function openGuardianTestContext(): Promise<GuardianTestContext> {
  const config = testConfig();
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', pretty: false }, sink);
  const pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
  await migrate(pool);
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const kafka = createKafkajs(config.kafka, brokers, logger);
  const producer = await (await createKafkaClient(config.kafka, brokers, logger)).createProducer();
  const publisher = createKafkaEventPublisher(producer);
  return {
    config,
    pool,
    kafka,
    producer,
    logs,
    depsWith: (overrides = {}) => ({ config: testConfig(overrides), logger, pool, publisher }),
    async close() {
      await producer.disconnect();
      await pool.end();
    },
  };
}

export interface ReceivedEvent {
  topic: string;
  key: string;
  event: Record<string, unknown>;
}

export interface TopicRecorder {
  received: ReceivedEvent[];
  /** Waits (bounded) until `count` received events match. */
  waitFor(match: (e: ReceivedEvent) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  stop(): Promise<void>;
}

/**
 * Reads the given real topics with kafkajs from their beginning (so nothing published while the
 * group joins is missed), keeping every JSON event; tests match on their own unique model names.
 */
export async function recordTopics(kafka: Kafka, topics: string[]): Promise<TopicRecorder> {
  const received: ReceivedEvent[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: uniqueName('guardian-test'),
    allowAutoTopicCreation: false,
    // Short fetch long-polls, so disconnecting does not wait out a 5 s fetch.
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let ready!: () => void;
  const joined = new Promise<void>((resolve) => (ready = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => ready());
  await consumer.run({
    eachMessage: async ({ topic, message }: { topic: string; message: KafkaMessage }) => {
      received.push({
        topic,
        key: message.key?.toString() ?? '',
        event: JSON.parse(message.value!.toString()),
      });
    },
  });
  await joined;
  return {
    received,
    async waitFor(match, count = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hits = received.filter(match);
        if (hits.length >= count || Date.now() > deadline) return hits;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => consumer.disconnect(),
  };
}

/** Runs an activity in a MockActivityEnvironment, keeping its result type (run() alone infers unknown). */
export function runInActivityContext<A, R>(
  env: MockActivityEnvironment,
  fn: (arg: A) => Promise<R>,
  arg: A,
): Promise<R> {
  return env.run(fn, arg) as Promise<R>;
}
