import type { ConsumedBatch, ConsumedMessage, GroupConsumer, KafkaClient } from '../clients/kafka-client';
import type { Logger } from '../logger';
import type { BridgeMetrics } from './bridge-metrics';
import { CappedBackoff } from './capped-backoff';
import type { ConcurrencyLimit } from './concurrency-limit';
import type { Rejection } from './dead-letter-reason';
import type { EventOrigin } from './event-origin';
import type { EventPipeline } from './event-pipeline';
import type { KeyedMutex } from './keyed-mutex';
import type { RoutingSettings } from './event-routing';
import { classifyMessage, TopicFamilies } from './message-decoding';
import { decideFate } from './message-fate';
import { messageBytes } from './message-bytes';
import { LaneItem, PartitionLane } from './partition-lane';
import { GuardianDelivery, RejectedDeliveryError, TransientDeliveryError } from './temporal-delivery';
import { traceCarrierOf } from './delivery-spans';

export interface KafkaBridgeConsumerOptions {
  kafka: KafkaClient;
  groupId: string;
  topics: TopicFamilies;
  /** Where a consumer group without committed offsets starts. */
  fromBeginning: boolean;
  maxMessageBytes: number;
  /** Per partition, fetching pauses once the messages waiting in memory hold this many bytes. */
  partitionBufferBytes: number;
  /** How loose events are read (producer time zone, CloudEvents type mapping). */
  ingest: RoutingSettings;
  partitionsConcurrently: number;
  sessionTimeoutMs: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  pipeline: EventPipeline;
  mutex: KeyedMutex;
  limit: ConcurrencyLimit;
  metrics: BridgeMetrics;
  logger: Logger;
  /** The consumer crashed for a reason no restart can fix: the process must exit non-zero. */
  onFatal(err: Error): void;
}

export interface ConsumerHealth {
  running: boolean;
  joined: boolean;
  assignedPartitions: number;
  queuedMessages: number;
  pausedPartitions: Array<{ topic: string; partition: number; attempts: number; failingForMs: number }>;
  lastCrash?: { error: string; restart: boolean; at: string };
}

/** Per partition, at most this many messages wait in memory; fetching pauses until it drains to a quarter. */
const QUEUE_HIGH_WATER = 256;
/** Most events of one model in one signal, and their most bytes (well under Temporal's limits). */
const MAX_EVENTS_PER_SIGNAL = 100;
const MAX_BYTES_PER_SIGNAL = 512 * 1024;
/** Delivered offsets are committed this often (and once more at shutdown). */
const COMMIT_INTERVAL_MS = 100;

/** A lane item that knows its guardian delivery, so queued events of a model can go together. */
interface BridgeItem extends LaneItem {
  guardian?: { delivery: GuardianDelivery; origin: EventOrigin };
}

interface Lane {
  topic: string;
  partition: number;
  lane: PartitionLane;
  highWatermark: bigint;
}

/**
 * The Kafka side of the bridge: a consumer-group member on the input topics. Fetched messages
 * go to a lane per partition that delivers them beside the fetch loop; offsets are committed
 * (by us, never by the client library) only up to the first message not yet accepted by Temporal or
 * dead-lettered. A failing partition is paused and retried with capped backoff.
 */
export class KafkaBridgeConsumer {
  private consumer: GroupConsumer | undefined;
  private readonly lanes = new Map<string, Lane>();
  private stopping = false;
  private running = false;
  private joined = false;
  private assigned = 0;
  private crashedSinceJoin = false;
  private lastCrash: ConsumerHealth['lastCrash'];
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly restartBackoff: CappedBackoff;

  constructor(private readonly options: KafkaBridgeConsumerOptions) {
    this.restartBackoff = new CappedBackoff(options.retryInitialDelayMs, options.retryMaxDelayMs);
  }

  async start(): Promise<void> {
    await this.connectAndRun();
    this.options.logger.info(
      {
        groupId: this.options.groupId,
        topics: [...this.options.topics.keys()],
        client: this.options.kafka.name,
      },
      'Kafka bridge consumer started',
    );
  }

  /** A new consumer in the group: at start, and again after a crash the client does not restart. */
  private async connectAndRun(): Promise<void> {
    const o = this.options;
    // Set before it starts: its first join and batches pause and resume through it.
    this.consumer = o.kafka.groupConsumer({
      groupId: o.groupId,
      topics: [...o.topics.keys()],
      fromBeginning: o.fromBeginning,
      sessionTimeoutMs: o.sessionTimeoutMs,
      partitionsConcurrently: o.partitionsConcurrently,
      // We commit ourselves, only what Temporal accepted.
      onBatch: (batch) => this.onBatch(batch),
      onAssignment: (assignment) => this.onGroupJoin(assignment),
      onCrash: (crash) => this.onCrash(crash),
    });
    await this.consumer.start();
    this.running = true;
  }

  /**
   * Starts a consumer again after the cluster was unreachable for longer than the client's retries.
   * Lanes stay as they are: the new member's group join reconciles them like any rebalance, and
   * offsets resume from the last commit (redeliveries are dropped by event id).
   */
  private scheduleRestart(): void {
    if (this.restartTimer) return;
    const delayMs = this.restartBackoff.nextDelayMs();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      const previous = this.consumer;
      void (async () => {
        await previous?.disconnect().catch(() => undefined);
        await this.connectAndRun();
      })().catch((err: Error) => {
        this.options.logger.warn(
          { err: err.message, attempt: this.restartBackoff.attempts },
          'Kafka consumer could not start again yet; will retry',
        );
        if (!this.stopping) this.scheduleRestart();
      });
    }, delayMs);
  }

  /** Stops fetching, lets in-flight deliveries finish, commits, leaves the group and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const lanes = [...this.lanes.values()];
    for (const { lane } of lanes) lane.halt();
    this.pauseFetching(lanes.map(({ topic, partition }) => ({ topic, partition })));
    await Promise.all(lanes.map(({ lane }) => lane.idle()));
    clearTimeout(this.commitTimer);
    await this.commit().catch((err: Error) =>
      this.options.logger.warn({ err: err.message }, 'final offset commit failed'),
    );
    if (this.consumer) await this.consumer.disconnect();
    this.running = false;
  }

  health(): ConsumerHealth {
    const lanes = [...this.lanes.values()];
    return {
      running: this.running && !this.stopping,
      joined: this.joined,
      assignedPartitions: this.assigned,
      queuedMessages: lanes.reduce((n, l) => n + l.lane.queued, 0),
      pausedPartitions: lanes
        .filter((l) => l.lane.isFailing)
        .map((l) => ({
          topic: l.topic,
          partition: l.partition,
          attempts: l.lane.attempts,
          failingForMs: l.lane.failingForMs(),
        })),
      lastCrash: this.lastCrash,
    };
  }

  private pauseFetching(partitions: Array<{ topic: string; partition: number }>): void {
    for (const { topic, partition } of partitions) this.consumer?.pause(topic, partition);
  }

  private resumeFetching(topic: string, partition: number): void {
    this.consumer?.resume(topic, partition);
  }

  private laneFor(topic: string, partition: number): Lane {
    const id = `${topic}/${partition}`;
    let entry = this.lanes.get(id);
    if (entry) return entry;
    const { logger, metrics } = this.options;
    const lane = new PartitionLane({
      mutex: this.options.mutex,
      limit: this.options.limit,
      backoff: new CappedBackoff(this.options.retryInitialDelayMs, this.options.retryMaxDelayMs),
      highWater: QUEUE_HIGH_WATER,
      lowWater: QUEUE_HIGH_WATER / 4,
      highWaterBytes: this.options.partitionBufferBytes,
      lowWaterBytes: this.options.partitionBufferBytes / 4,
      maxBatch: MAX_EVENTS_PER_SIGNAL,
      maxBatchBytes: MAX_BYTES_PER_SIGNAL,
      pause: () => this.pauseFetching([{ topic, partition }]),
      resume: () => {
        if (!this.stopping) this.resumeFetching(topic, partition);
      },
      onProgress: () => {
        this.updateLag(entry!);
        this.scheduleCommit();
      },
      onFailure: (f) => {
        metrics.deliveryFailures.inc({ topic });
        this.updatePausedGauge();
        const fields = {
          topic,
          partition,
          offset: f.offset.toString(),
          attempt: f.attempt,
          retryInMs: f.retryInMs,
          failingForMs: f.failingForMs,
          err: (f.error as Error)?.message ?? String(f.error),
        };
        if (f.attempt === 1) logger.warn(fields, 'delivery failed: partition paused, will retry');
        else logger.info(fields, 'delivery still failing: partition stays paused');
      },
      onRecovered: ({ attempts, failedForMs }) => {
        this.updatePausedGauge();
        logger.info(
          { topic, partition, attempts, failedForMs },
          'delivery recovered: partition is flowing again',
        );
      },
    });
    entry = { topic, partition, lane, highWatermark: 0n };
    this.lanes.set(id, entry);
    return entry;
  }

  private onBatch(batch: ConsumedBatch): void {
    if (this.stopping || batch.messages.length === 0) return;
    const entry = this.laneFor(batch.topic, batch.partition);
    entry.highWatermark = BigInt(batch.highWatermark);
    entry.lane.enqueue(batch.messages.map((m) => this.itemFor(batch.topic, batch.partition, m)));
    this.updateLag(entry);
  }

  private updateLag(entry: Lane): void {
    const next = entry.lane.commitPoint;
    if (next === undefined) return;
    const lag = entry.highWatermark > next ? Number(entry.highWatermark - next) : 0;
    this.options.metrics.consumerLag.set({ topic: entry.topic, partition: entry.partition }, lag);
  }

  private scheduleCommit(): void {
    if (this.commitTimer || this.stopping) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      this.commit().catch((err: Error) => {
        // Kafka unavailable or a rebalance under way: the next progress (or shutdown) commits again.
        this.options.logger.debug({ err: err.message }, 'offset commit failed; will retry');
        setTimeout(() => this.scheduleCommit(), 1_000).unref();
      });
    }, COMMIT_INTERVAL_MS);
  }

  /** Commits every lane's commit point that moved; one commit request at a time. */
  private async commit(): Promise<void> {
    while (this.committing) await this.committing.catch(() => undefined);
    const due = [...this.lanes.values()]
      .map((e) => ({ e, point: e.lane.commitPoint }))
      .filter(
        ({ e, point }) => point !== undefined && (e.lane.committed === undefined || point > e.lane.committed),
      );
    if (due.length === 0 || !this.consumer) return;
    this.committing = this.consumer.commit(
      due.map(({ e, point }) => ({ topic: e.topic, partition: e.partition, offset: point!.toString() })),
    );
    try {
      await this.committing;
      for (const { e, point } of due) e.lane.committed = point;
    } finally {
      this.committing = undefined;
    }
  }

  private onGroupJoin(assignment: Record<string, number[]>): void {
    const { logger } = this.options;
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    // A partition that moved to another member is that member's business now: start nothing more
    // of it (in-flight deliveries finish, uncommitted ones are redelivered by the new owner, and
    // Temporal drops a repeated signal by its request id).
    for (const [id, entry] of this.lanes) {
      if (owned.has(id)) {
        entry.lane.resyncFetching();
        continue;
      }
      entry.lane.halt();
      this.lanes.delete(id);
      // A client may keep a pause across rebalances: were the partition to come back, it must be fetched again.
      this.resumeFetching(entry.topic, entry.partition);
      this.options.metrics.consumerLag.remove({ topic: entry.topic, partition: entry.partition });
    }
    this.updatePausedGauge();
    this.assigned = owned.size;
    this.joined = true;
    if (this.crashedSinceJoin)
      logger.info({ partitions: owned.size }, 'Kafka consumer recovered: re-joined the group');
    else logger.info({ partitions: owned.size }, 'Kafka consumer joined the group');
    this.crashedSinceJoin = false;
    this.restartBackoff.reset();
  }

  private onCrash({
    error,
    clientRestarts,
    outage,
  }: {
    error: Error;
    clientRestarts: boolean;
    outage: boolean;
  }): void {
    const { logger, metrics } = this.options;
    const weRestart = !clientRestarts && outage;
    const restart = clientRestarts || weRestart;
    metrics.consumerCrashes.inc({ restarted: String(restart) });
    this.joined = false;
    this.crashedSinceJoin = true;
    this.lastCrash = { error: error.message, restart, at: new Date().toISOString() };
    if (this.stopping) return;
    if (clientRestarts) {
      logger.error(
        { err: error, client: this.options.kafka.name },
        `Kafka consumer crashed; ${this.options.kafka.name} restarts it (offsets resume from the last commit)`,
      );
    } else if (weRestart) {
      logger.error(
        { err: error },
        'Kafka consumer crashed: the cluster stayed unreachable past its retries; the bridge starts it again (offsets resume from the last commit)',
      );
      this.scheduleRestart();
    } else {
      this.running = false;
      logger.fatal({ err: error }, 'Kafka consumer crashed and cannot restart');
      this.options.onFatal(error);
    }
  }

  private updatePausedGauge(): void {
    const paused = [...this.lanes.values()].filter((e) => e.lane.isFailing).length;
    this.options.metrics.pausedPartitions.set({}, paused);
  }

  private itemFor(topic: string, partition: number, message: ConsumedMessage): LaneItem {
    const { pipeline, metrics } = this.options;
    const route = classifyMessage(
      {
        topic,
        partition,
        offset: message.offset,
        value: message.value,
        headers: message.headers,
        timestamp: message.timestamp,
      },
      this.options.topics,
      this.options.maxMessageBytes,
      this.options.ingest,
    );
    const producedAtMs = Number(message.timestamp);
    const origin: EventOrigin = {
      source: 'kafka',
      topic,
      partition,
      offset: message.offset,
      producedAtMs,
      receivedAtMs: Date.now(),
      trace: traceCarrierOf(message.headers ?? {}),
    };
    const deadLetter = (rejection: Rejection) =>
      pipeline.deadLetter({
        ...rejection,
        value: message.value,
        key: message.key,
        headers: message.headers,
        origin,
      });
    const item: BridgeItem = {
      offset: BigInt(message.offset),
      // Bad messages have no workflow: each is its own key, so they never wait for a model's events.
      key: route.ok ? route.delivery.workflowId : `dead-letter:${topic}/${partition}/${message.offset}`,
      // Counted against the signal's byte limit and against the partition's buffer.
      bytes: messageBytes(message),
      run: async () => {
        const outcome = await decideFate(route, (delivery) => pipeline.deliver(delivery, origin));
        try {
          if (outcome.fate === 'rejected') await deadLetter(outcome.rejection);
        } catch (err) {
          if (err instanceof TransientDeliveryError) throw err;
          // The dead-letter producer failing: Kafka is unavailable.
          throw new TransientDeliveryError(`writing the dead letter failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
        metrics.consumed.inc({ topic });
      },
    };
    if (route.ok && route.delivery.workflow === 'guardian') {
      item.guardian = { delivery: route.delivery, origin };
      item.runTogether = (items) => this.deliverTogether(topic, items as BridgeItem[]);
    }
    return item;
  }

  /**
   * Events of one model that queued up, in one signal. If Temporal refuses the batch as a whole
   * (too large, say) each goes on its own, so only a bad one is dead-lettered.
   */
  private async deliverTogether(topic: string, items: BridgeItem[]): Promise<void> {
    const { pipeline, metrics } = this.options;
    try {
      await pipeline.deliverTogether(items.map((i) => i.guardian!));
    } catch (err) {
      if (!(err instanceof RejectedDeliveryError)) throw err;
      this.options.logger.warn(
        { topic, events: items.length, err: err.message },
        'Temporal refused a batch of events: delivering them one by one',
      );
      for (const item of items) await item.run();
      return;
    }
    metrics.consumed.inc({ topic }, items.length);
  }
}
