import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { createConfiguredAlertSender } from '../backends/alerts';
import type { EventPublisher } from '../clients/event-publisher';
import type { KafkaClient, KafkaProducer } from '../clients/kafka-client';
import type { Tracing } from '../clients/tracing';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { BridgeMetrics, bridgeAlarmObserver, createBridgeMetrics } from './bridge-metrics';
import { ConcurrencyLimit } from './concurrency-limit';
import { createDeadLetterWriter } from './dead-letter-writer';
import { DeliveredSample, EventPipeline } from './event-pipeline';
import { BridgeHealth, BridgeHttpServer, startBridgeHttpServer } from './http-server';
import { inputTopicFamilies } from './input-topics';
import { KafkaBridgeConsumer } from './kafka-bridge-consumer';
import { KeyedMutex } from './keyed-mutex';
import { guardianSettingsFromConfig } from '../domain/policy/settings';
import { ingestSettingsFromConfig } from '../config/ingest';
import { createGuardianCap } from './guardian-cap';
import { createTemporalDelivery } from './temporal-delivery';
import { taskQueues } from '../config/task-queues';

/** What the bridge needs from the process: the shared connections of the service context. */
export interface BridgeDeps {
  config: Config;
  logger: Logger;
  kafka: KafkaClient;
  /** The process's shared producer: dead letters and duplicate alerts go through it. */
  producer: KafkaProducer;
  publisher: EventPublisher;
  temporalClient: Client;
  /** Set when tracing is on (OTEL_*): every event gets its span and carries its trace to the guardian. */
  tracer?: Tracer;
  /** PostgreSQL, for the alarms table: without it the duplicate-job alarm goes to Kafka only. */
  pool?: Pool;
}

export interface BridgeOptions {
  /** Called for every event Temporal accepted (benchmarks, tests). */
  onDelivered?: (sample: DeliveredSample) => void;
  /** Overrides BRIDGE_HTTP_PORT (0 = any free port). */
  httpPort?: number;
}

export interface RunningBridge {
  metrics: BridgeMetrics;
  /** Where the HTTP endpoint listens, when enabled. */
  http?: { host: string; port: number };
  /** Rejects when the bridge failed for good (the Kafka consumer crashed and cannot restart). */
  done: Promise<void>;
  health(): BridgeHealth;
  /** Graceful stop, bounded by BRIDGE_SHUTDOWN_TIMEOUT_MS; resolves `false` if it had to abandon in-flight calls. */
  stop(): Promise<boolean>;
}

/**
 * Starts the Kafka bridge: the consumer-group member on the input topics and the HTTP way in,
 * both delivering to Temporal through the same pipeline, ordering and concurrency limit.
 */
export async function startBridge(deps: BridgeDeps, options: BridgeOptions = {}): Promise<RunningBridge> {
  const { config, temporalClient } = deps;
  const logger = deps.logger.child({ component: 'bridge' });
  const settings = config.bridge;
  const metrics = createBridgeMetrics();
  const alertSender = deps.pool
    ? createConfiguredAlertSender(config, deps.pool, logger, bridgeAlarmObserver(metrics))
    : undefined;
  const mutex = new KeyedMutex();
  const limit = new ConcurrencyLimit(settings.maxInFlight);
  const ingest = { ...ingestSettingsFromConfig(config), guardianShards: config.guardian.shards };
  let stopping = false;
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Callers that never await `done` must not see an unhandled rejection.
  done.catch(() => undefined);

  const pipeline = new EventPipeline({
    temporal: createTemporalDelivery({
      client: temporalClient,
      taskQueue: config.temporal.taskQueue,
      videoTaskQueue: taskQueues(config).video,
      callTimeoutMs: settings.temporalCallTimeoutMs,
      // A new guardian starts with the configured policy settings; a running one keeps its own
      // (operators change them with the guardian's update).
      guardianSettings: guardianSettingsFromConfig(config),
      guardianIdleMinutes: config.guardian.idleMinutes,
      guardianCap: createGuardianCap(temporalClient, config.temporal.taskQueue, config.guardian.maxActive),
    }),
    deadLetters: createDeadLetterWriter(
      deps.producer,
      config.kafka.topicDeadLetter,
      settings.maxMessageBytes,
    ),
    publisher: deps.publisher,
    alertsTopic: config.kafka.topicAlerts,
    alertSender,
    metrics,
    logger,
    onDelivered: options.onDelivered,
    tracer: deps.tracer,
  });

  const consumer = new KafkaBridgeConsumer({
    kafka: deps.kafka,
    groupId: config.kafka.groupId,
    topics: inputTopicFamilies(config.kafka),
    fromBeginning: settings.newGroupStart === 'earliest',
    maxMessageBytes: settings.maxMessageBytes,
    partitionBufferBytes: settings.partitionBufferBytes,
    ingest,
    partitionsConcurrently: settings.partitionsConcurrently,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    retryInitialDelayMs: settings.retryInitialDelayMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    pipeline,
    mutex,
    limit,
    metrics,
    logger,
    onFatal: (err) => fail(err),
  });

  const health = (): BridgeHealth => {
    const kafka = consumer.health();
    // Paused partitions mean Temporal (or Kafka) is down: the bridge itself is fine and will catch up.
    const status =
      stopping || !kafka.running
        ? 'unavailable'
        : kafka.pausedPartitions.length > 0 || !kafka.joined
          ? 'degraded'
          : 'ok';
    return { status, stopping, kafka, inFlight: limit.inUse };
  };

  let http: BridgeHttpServer | undefined;
  try {
    await consumer.start();
    if (settings.httpEnabled) {
      http = await startBridgeHttpServer({
        host: settings.httpHost,
        port: options.httpPort ?? settings.httpPort,
        maxBodyBytes: settings.maxMessageBytes,
        token: settings.httpToken,
        maxConcurrentPosts: settings.httpMaxConcurrentRequests,
        ingest,
        pipeline,
        mutex,
        limit,
        metrics,
        logger,
        health,
        isStopping: () => stopping,
        pool: deps.pool,
        temporalClient: deps.temporalClient,
      });
    }
  } catch (err) {
    await consumer.stop().catch(() => undefined);
    throw err;
  }

  let stopped: Promise<boolean> | undefined;
  const stopOnce = async (): Promise<boolean> => {
    stopping = true;
    const startedAt = Date.now();
    logger.info('bridge stopping: no new fetches, finishing in-flight messages');
    let settled = false;
    const graceful = Promise.all([consumer.stop(), http?.close()])
      .then(
        () => true,
        (err: Error) => {
          logger.error({ err }, 'bridge did not stop cleanly');
          return false;
        },
      )
      .finally(() => (settled = true));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), settings.shutdownTimeoutMs)),
    );
    let clean = await Promise.race([graceful, timedOut]);
    clearTimeout(timer);
    if (!settled) {
      // Out of time: stop waiting for in-flight calls (each ends at its deadline at the latest).
      // Their offsets were never committed, so they are redelivered later.
      logger.error(
        { afterMs: Date.now() - startedAt },
        'bridge shutdown timed out: abandoning in-flight deliveries',
      );
      clean = await Promise.race([
        graceful.then(() => false),
        new Promise<false>((r) => setTimeout(() => r(false), 5_000).unref()),
      ]);
    } else if (clean) {
      logger.info(
        { tookMs: Date.now() - startedAt },
        'bridge stopped: offsets committed, consumer left the group',
      );
    }
    finish();
    return clean;
  };

  // A second stop (SIGTERM after SIGINT) waits for the first instead of starting another.
  const stop = () =>
    (stopped ??= stopOnce().finally(async () => {
      await pipeline.alarmsSettled();
      alertSender?.close();
    }));

  return { metrics, http: http && { host: http.host, port: http.port }, done, health, stop };
}

/** The bridge's dependencies from the process's shared service context. */
export function bridgeDepsFromContext(ctx: {
  config: Config;
  logger: Logger;
  kafka: KafkaClient;
  producer: KafkaProducer;
  publisher: EventPublisher;
  temporal: { client: Client };
  tracing?: Tracing;
  pool?: Pool;
}): BridgeDeps {
  return {
    config: ctx.config,
    logger: ctx.logger,
    kafka: ctx.kafka,
    producer: ctx.producer,
    publisher: ctx.publisher,
    temporalClient: ctx.temporal.client,
    tracer: ctx.tracing?.enabled ? ctx.tracing.tracer : undefined,
    pool: ctx.pool,
  };
}
