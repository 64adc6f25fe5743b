import { randomUUID } from 'node:crypto';
import type { Tracer } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { IHeaders, Kafka, KafkaMessage, logLevel, Partitioners, Producer } from 'kafkajs';
import { BridgeOptions, RunningBridge, startBridge } from '../../src/bridge/bridge';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import { kafkaTlsOptions } from '../../src/clients/kafka-tls-options';
import { saslOptions } from '../../src/clients/kafkajs/kafkajs-sasl';
import { createPgPool } from '../../src/clients/postgres';
import { createTemporalClient } from '../../src/clients/temporal';
import type { Config } from '../../src/config';
import { createLogger, Logger } from '../../src/logger';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { receivedEventsQuery, ReceivedModelEvent } from '../fixtures/bridge-workflows';
import { testConfig, uniqueName } from './stack';

/** Topic names of one test's own bridge (so tests never read each other's messages). */
export interface BridgeTopics {
  drift: string;
  degradation: string;
  systemMetrics: string;
  systemHealth: string;
  video: string;
  videoRequested: string;
  deadLetter: string;
  alerts: string;
}

/** Everything a bridge test talks to: its topics, consumer group, task queue, Kafka and Temporal. */
export interface BridgeTestEnv {
  /** Environment for a bridge (in-process or child process) wired to this test's names. */
  env: NodeJS.ProcessEnv;
  config: Config;
  topics: BridgeTopics;
  taskQueue: string;
  groupId: string;
  kafka: Kafka;
  producer: Producer;
  temporal: { connection: Connection; client: Client };
  close(): Promise<void>;
}

export const INPUT_PARTITIONS = 3;

/** Creates this test's topics and clients; `temporalAddress` points at a test's own server if it has one. */
export async function createBridgeTestEnv(
  options: { temporalAddress?: string; kafkaBrokers?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<BridgeTestEnv> {
  const prefix = uniqueName('bridge');
  const topics: BridgeTopics = {
    drift: `${prefix}.drift`,
    degradation: `${prefix}.degradation`,
    systemMetrics: `${prefix}.system-metrics`,
    systemHealth: `${prefix}.system-health`,
    video: `${prefix}.video-uploaded`,
    videoRequested: `${prefix}.video-requested`,
    deadLetter: `${prefix}.dead-letter`,
    alerts: `${prefix}.alerts`,
  };
  const taskQueue = `${prefix}-queue`;
  const groupId = `${prefix}-group`;
  const temporalAddress = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS!;
  const kafkaBrokers = options.kafkaBrokers ?? process.env.KAFKA_BROKERS!;
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: temporalAddress,
    KAFKA_BROKERS: kafkaBrokers,
    TEMPORAL_TASK_QUEUE: taskQueue,
    KAFKA_GROUP_ID: groupId,
    KAFKA_TOPIC_DRIFT: topics.drift,
    KAFKA_TOPIC_DEGRADATION: topics.degradation,
    KAFKA_TOPIC_SYSTEM_METRICS: topics.systemMetrics,
    KAFKA_TOPIC_SYSTEM_HEALTH: topics.systemHealth,
    KAFKA_TOPIC_VIDEO: topics.video,
    KAFKA_TOPIC_VIDEO_REQUESTED: topics.videoRequested,
    KAFKA_TOPIC_DEAD_LETTER: topics.deadLetter,
    KAFKA_TOPIC_ALERTS: topics.alerts,
    BRIDGE_RETRY_INITIAL_DELAY_MS: '200',
    BRIDGE_RETRY_MAX_DELAY_MS: '2000',
    BRIDGE_TEMPORAL_CALL_TIMEOUT_MS: '5000',
    ...options.env,
  };
  const config = testConfig(env);
  const kafka = new Kafka({
    clientId: prefix,
    brokers: kafkaBrokers.split(','),
    // The product's own TLS and SASL options, so a test's broker may ask for them.
    ssl: kafkaTlsOptions(config.kafka),
    sasl: saslOptions(config.kafka),
    logLevel: process.env.KAFKAJS_TEST_LOG === '1' ? logLevel.INFO : logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  // A busy broker may not yet know the partitions it has just created ("does not host this
  // topic-partition") when asked for their leaders; creating them again waits once more.
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          ...[
            topics.drift,
            topics.degradation,
            topics.systemMetrics,
            topics.systemHealth,
            topics.video,
            topics.videoRequested,
          ].map((topic) => ({ topic, numPartitions: INPUT_PARTITIONS })),
          { topic: topics.deadLetter, numPartitions: 1 },
          { topic: topics.alerts, numPartitions: 1 },
        ],
      });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  await admin.disconnect();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  return {
    env,
    config,
    topics,
    taskQueue,
    groupId,
    kafka,
    producer,
    temporal: { connection, client },
    async close() {
      await producer.disconnect().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

/** A Temporal worker running the recording fixtures under the real workflow type names. */
export async function startFixtureWorker(
  address: string,
  taskQueue: string,
): Promise<{ stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('../fixtures/bridge-workflows'),
  });
  const running = worker.run();
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

/** Log lines captured from a real pino logger, for asserting what an operator would read. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, pretty: false }, sink), lines };
}

/**
 * The bridge in this process, on the test's names, with its own Kafka producer and Temporal client
 * (native, as the product's processes have it).
 */
export async function startInProcessBridge(
  t: BridgeTestEnv,
  options: BridgeOptions & { logger?: Logger; tracer?: Tracer } = {},
): Promise<{ bridge: RunningBridge; stop(): Promise<boolean> }> {
  const logger =
    options.logger ?? createLogger({ level: process.env.BRIDGE_TEST_LOG_LEVEL ?? 'error', pretty: false });
  // The product's own client (KAFKA_CLIENT picks it); the test's kafkajs client only produces and reads.
  const kafka = await createKafkaClient(t.config.kafka, t.config.kafka.brokers!, logger);
  const producer = await kafka.createProducer();
  const temporal = await createTemporalClient(t.config.temporal, t.config.temporal.address!, {
    native: true,
  });
  // The alarms table, as the product's bridge has it (a pool connects on first use only).
  const pool = createPgPool({ connectionString: process.env.DATABASE_URL! }, () => undefined);
  const bridge = await startBridge(
    {
      config: t.config,
      logger,
      kafka,
      producer,
      publisher: createKafkaEventPublisher(producer),
      temporalClient: temporal.client,
      tracer: options.tracer,
      pool,
    },
    { httpPort: 0, ...options },
  );
  return {
    bridge,
    async stop() {
      const clean = await bridge.stop();
      await producer.disconnect();
      await temporal.close();
      await pool.end();
      return clean;
    },
  };
}

// ---- events ---------------------------------------------------------------------------------

export function driftEvent(modelName: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    event_type: 'data_drift_detected',
    timestamp: new Date().toISOString(),
    source: 'bridge-test',
    model_name: modelName,
    model_version: `${modelName}@3`,
    drift_score: 0.42,
    affected_features: ['age', 'income'],
    severity: 'MEDIUM',
    ...extra,
  };
}

export function degradationEvent(modelName: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    event_type: 'model_performance_degraded',
    timestamp: new Date().toISOString(),
    source: 'bridge-test',
    model_name: modelName,
    current_performance: 0.81,
    baseline_performance: 0.93,
    performance_drop: 0.12,
    ...extra,
  };
}

export function systemEvent(modelName: string, eventType: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    event_type: eventType,
    timestamp: new Date().toISOString(),
    source: 'bridge-test',
    model_name: modelName,
    service_name: `${modelName}-serving`,
    ...extra,
  };
}

export function videoEvent(videoId: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    event_type: 'video_uploaded',
    timestamp: new Date().toISOString(),
    source: 'bridge-test',
    video_id: videoId,
    bucket: 'uploads',
    object_key: `videos/${videoId}.mp4`,
    ...extra,
  };
}

// ---- reading outcomes ---------------------------------------------------------------------

/** Polls until `check` is true; fails with `what` and the last observed state after the timeout. */
export async function waitFor<T>(
  what: string,
  observe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await observe();
      if (done(last)) return last;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Drift events for a fixed set of models on the test's drift topic: `round()` produces one per
 * model, `expected()` is what each model's guardian should hold (in produce order), `received()`
 * what the stand-in guardians hold now.
 */
export function modelEventStream(t: BridgeTestEnv, models: string[]) {
  const produced = new Map<string, string[]>(models.map((m) => [m, []]));
  return {
    async round(extra: Record<string, unknown> = {}): Promise<void> {
      const events = models.map((m) => driftEvent(m, extra));
      events.forEach((e) => produced.get(e.model_name)!.push(e.event_id));
      await produce(
        t.producer,
        t.topics.drift,
        events.map((e) => ({ key: e.model_name, value: JSON.stringify(e) })),
      );
    },
    expected: (): string[][] => models.map((m) => produced.get(m)!),
    received: (): Promise<string[][]> =>
      Promise.all(
        models.map(async (m) =>
          (await guardianEvents(t.temporal.client, guardianWorkflowId(m))).map((e) => e.eventId),
        ),
      ),
  };
}

/** What the fixture guardian of a model has received so far ([] if it does not exist yet). */
export async function guardianEvents(client: Client, workflowId: string): Promise<ReceivedModelEvent[]> {
  try {
    return await client.workflow.getHandle(workflowId).query(receivedEventsQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/** Every run (open or closed) Temporal knows for a workflow id. */
export async function workflowRuns(
  client: Client,
  workflowId: string,
): Promise<Array<{ runId: string; status: string }>> {
  const runs: Array<{ runId: string; status: string }> = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: w.runId, status: w.status.name });
  }
  return runs;
}

export async function produce(
  producer: Producer,
  topic: string,
  messages: Array<{ key?: string | null; value: string | Buffer | null; headers?: IHeaders }>,
): Promise<void> {
  await producer.send({ topic, acks: -1, messages });
}

/** Reads a topic from the beginning (a fresh consumer group) until `enough` says so, or fails after the timeout. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  enough: (messages: KafkaMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: KafkaMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${messages.length} messages from ${topic} in ${timeoutMs / 1000}s, not what was expected`,
            ),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (enough(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String).join(',') : value.toString();
}

/** A test file's bridge world: its own topics, a fixture worker and an in-process bridge. */
export interface InProcessBridgeWorld {
  readonly t: BridgeTestEnv;
  readonly running: Awaited<ReturnType<typeof startInProcessBridge>>;
}

/** Sets up the file's bridge world before its tests and stops it after them. */
export function useInProcessBridge(
  options: Parameters<typeof createBridgeTestEnv>[0] = {},
): InProcessBridgeWorld {
  let t: BridgeTestEnv | undefined;
  let worker: { stop(): Promise<void> } | undefined;
  let running: Awaited<ReturnType<typeof startInProcessBridge>> | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the bridge test world is used before beforeAll ran');
    return value;
  };
  beforeAll(async () => {
    t = await createBridgeTestEnv(options);
    worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
    running = await startInProcessBridge(t);
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    await worker?.stop();
    await t?.close();
  }, 60_000);
  return {
    get t() {
      return ready(t);
    },
    get running() {
      return ready(running);
    },
  };
}
