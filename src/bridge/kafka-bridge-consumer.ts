import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../logger';
import type { BridgeMetrics } from './bridge-metrics';
import { CappedBackoff } from './capped-backoff';
import type { ConcurrencyLimit } from './concurrency-limit';
import type { Rejection } from './dead-letter-reason';
import type { EventOrigin, EventPipeline } from './event-pipeline';
import { KeyedItem, runKeyedBatch } from './keyed-batch';
import type { KeyedMutex } from './keyed-mutex';
import { classifyMessage, TopicFamilies } from './message-decoding';
import { RejectedDeliveryError, TransientDeliveryError } from './temporal-delivery';

export interface KafkaBridgeConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: TopicFamilies;
  /** Where a consumer group without committed offsets starts. */
  fromBeginning: boolean;
  maxMessageBytes: number;
  partitionsConcurrently: number;
  sessionTimeoutMs: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  pipeline: EventPipeline;
  mutex: KeyedMutex;
  limit: ConcurrencyLimit;
  metrics: BridgeMetrics;
  logger: Logger;
  /** Aborted when shutdown runs out of time: in-flight Temporal calls give up (their offsets stay uncommitted). */
  abort: AbortSignal;
  /** The consumer crashed and kafkajs will not restart it: the process must exit non-zero. */
  onFatal(err: Error): void;
}

export interface ConsumerHealth {
  running: boolean;
  joined: boolean;
  assignedPartitions: number;
  pausedPartitions: Array<{ topic: string; partition: number; attempts: number; failingForMs: number }>;
  lastCrash?: { error: string; restart: boolean; at: string };
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Offsets after the resolved point that were already handled: skipped when the partition is re-fetched. */
  handled: Set<string>;
  backoff: CappedBackoff;
  resumeTimer?: NodeJS.Timeout;
  /** Un-pauses the partition in kafkajs (set while paused). */
  resume?: () => void;
}

/** A heartbeat failed (usually a rebalance): kafkajs must see its own error to re-join the group. */
class HeartbeatFailure extends Error {
  constructor(readonly original: unknown) {
    super(`heartbeat failed: ${(original as Error)?.message}`);
  }
}

/**
 * The Kafka side of the bridge: a consumer-group member that reads the input topics in
 * batches, delivers each message (per-key order, bounded concurrency), commits an offset only
 * once everything up to it was accepted by Temporal or dead-lettered, and pauses a partition
 * with capped exponential backoff when Temporal or Kafka is unavailable.
 */
export class KafkaBridgeConsumer {
  private consumer: Consumer | undefined;
  private readonly partitions = new Map<string, PartitionState>();
  private stopping = false;
  private running = false;
  private joined = false;
  private assigned = 0;
  private crashedSinceJoin = false;
  private lastCrash: ConsumerHealth['lastCrash'];

  constructor(private readonly options: KafkaBridgeConsumerOptions) {}

  async start(): Promise<void> {
    const o = this.options;
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      allowAutoTopicCreation: false,
      // Short fetch waits keep shutdown quick; a fetch returns at once whenever data is there.
      maxWaitTimeInMs: 1000,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(o.sessionTimeoutMs / 3)),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onGroupJoin(payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(payload.error, payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topics: [...o.topics.keys()], fromBeginning: o.fromBeginning });
    await consumer.run({
      // kafkajs commits only offsets we resolve, after every batch and before a rebalance.
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.running = true;
    o.logger.info({ groupId: o.groupId, topics: [...o.topics.keys()] }, 'Kafka bridge consumer started');
  }

  /** Stops fetching, lets in-flight messages finish, commits, leaves the group and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const state of this.partitions.values()) clearTimeout(state.resumeTimer);
    if (this.consumer) await this.consumer.disconnect();
    this.running = false;
  }

  health(): ConsumerHealth {
    const paused = [...this.partitions.values()]
      .filter((s) => s.resumeTimer !== undefined)
      .map((s) => ({
        topic: s.topic,
        partition: s.partition,
        attempts: s.backoff.attempts,
        failingForMs: s.backoff.failingForMs(),
      }));
    return {
      running: this.running && !this.stopping,
      joined: this.joined,
      assignedPartitions: this.assigned,
      pausedPartitions: paused,
      lastCrash: this.lastCrash,
    };
  }

  private stateFor(topic: string, partition: number): PartitionState {
    const id = `${topic}/${partition}`;
    let state = this.partitions.get(id);
    if (!state) {
      state = {
        topic,
        partition,
        handled: new Set(),
        backoff: new CappedBackoff(this.options.retryInitialDelayMs, this.options.retryMaxDelayMs),
      };
      this.partitions.set(id, state);
    }
    return state;
  }

  private onGroupJoin(assignment: Record<string, number[]>): void {
    const { logger, metrics } = this.options;
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    // A partition that moved to another member is that member's business now.
    for (const [id, state] of this.partitions) {
      if (owned.has(id)) continue;
      clearTimeout(state.resumeTimer);
      // kafkajs keeps a pause across rebalances: were the partition to come back to us, it would never be fetched again.
      state.resume?.();
      this.partitions.delete(id);
      metrics.consumerLag.remove({ topic: state.topic, partition: state.partition });
    }
    this.updatePausedGauge();
    this.assigned = owned.size;
    this.joined = true;
    if (this.crashedSinceJoin) logger.info({ partitions: owned.size }, 'Kafka consumer recovered: re-joined the group');
    else logger.info({ partitions: owned.size }, 'Kafka consumer joined the group');
    this.crashedSinceJoin = false;
  }

  private onCrash(error: Error, restart: boolean): void {
    const { logger, metrics } = this.options;
    metrics.consumerCrashes.inc({ restarted: String(restart) });
    this.joined = false;
    this.crashedSinceJoin = true;
    this.lastCrash = { error: error.message, restart, at: new Date().toISOString() };
    if (this.stopping) return;
    if (restart) {
      logger.error({ err: error }, 'Kafka consumer crashed; kafkajs restarts it (offsets resume from the last commit)');
    } else {
      this.running = false;
      logger.fatal({ err: error }, 'Kafka consumer crashed and cannot restart');
      this.options.onFatal(error);
    }
  }

  private updatePausedGauge(): void {
    const paused = [...this.partitions.values()].filter((s) => s.resumeTimer !== undefined).length;
    this.options.metrics.pausedPartitions.set({}, paused);
  }

  private itemFor(topic: string, partition: number, message: KafkaMessage): KeyedItem {
    const { pipeline, metrics, abort } = this.options;
    const route = classifyMessage({ topic, value: message.value }, this.options.topics, this.options.maxMessageBytes);
    const producedAtMs = Number(message.timestamp);
    const origin: EventOrigin = { source: 'kafka', topic, partition, offset: message.offset, producedAtMs };
    const deadLetter = (rejection: Rejection) =>
      pipeline.deadLetter({
        ...rejection,
        value: message.value,
        key: message.key,
        headers: message.headers,
        origin: { kind: 'kafka', topic, partition, offset: message.offset, timestamp: message.timestamp },
      });
    return {
      offset: message.offset,
      // Bad messages have no workflow: each is its own key, so they never wait for a model's events.
      key: route.ok ? route.delivery.workflowId : `dead-letter:${topic}/${partition}/${message.offset}`,
      run: async () => {
        try {
          if (!route.ok) {
            await deadLetter(route);
          } else {
            try {
              await pipeline.deliver(route.delivery, origin, abort);
            } catch (err) {
              if (!(err instanceof RejectedDeliveryError)) throw err;
              await deadLetter({ reason: 'rejected_by_temporal', detail: err.message, eventId: route.delivery.event.event_id });
            }
          }
        } catch (err) {
          if (err instanceof TransientDeliveryError) throw err;
          // Anything else here is the dead-letter producer failing: Kafka is unavailable.
          throw new TransientDeliveryError(`writing the dead letter failed: ${(err as Error).message}`, { cause: err });
        }
        metrics.consumed.inc({ topic });
      },
    };
  }

  private async onBatch({ batch, resolveOffset, heartbeat, pause, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const state = this.stateFor(topic, partition);
    const items = batch.messages.filter((m) => !state.handled.has(m.offset)).map((m) => this.itemFor(topic, partition, m));

    const outcome = await runKeyedBatch(items, {
      mutex: this.options.mutex,
      limit: this.options.limit,
      shouldStop: () => this.stopping || !isRunning() || isStale(),
      afterEach: () => heartbeat().catch((err: unknown) => Promise.reject(new HeartbeatFailure(err))),
    });
    for (const offset of outcome.completed) state.handled.add(offset);

    // Commit point: the last offset before the first message not yet handled. Later handled ones are
    // remembered so a re-fetch after a pause skips them instead of delivering them again.
    let resolved: string | undefined;
    for (const m of batch.messages) {
      if (!state.handled.has(m.offset)) break;
      resolved = m.offset;
    }
    if (resolved !== undefined) {
      resolveOffset(resolved);
      for (const m of batch.messages) {
        state.handled.delete(m.offset);
        if (m.offset === resolved) break;
      }
    }
    const nextOffset = resolved !== undefined ? BigInt(resolved) + 1n : BigInt(batch.messages[0]?.offset ?? batch.highWatermark);
    this.options.metrics.consumerLag.set({ topic, partition }, Number(BigInt(batch.highWatermark) - nextOffset));

    if (outcome.failure instanceof HeartbeatFailure) throw outcome.failure.original;
    if (outcome.failure !== undefined) {
      this.pauseAndRetryLater(state, pause, nextOffset.toString(), outcome.failure);
    } else if (state.backoff.attempts > 0 && !this.stopping) {
      this.options.logger.info(
        { topic, partition, attempts: state.backoff.attempts, failedForMs: state.backoff.failingForMs() },
        'delivery recovered: partition is flowing again',
      );
      state.backoff.reset();
    }
  }

  /** Pauses the partition (no message skipped, nothing committed past the failure) and resumes it after a capped backoff. */
  private pauseAndRetryLater(state: PartitionState, pause: () => () => void, offset: string, failure: unknown): void {
    const { logger, metrics } = this.options;
    if (this.stopping) return;
    const delayMs = state.backoff.nextDelayMs();
    const resume = pause();
    metrics.deliveryFailures.inc({ topic: state.topic });
    const fields = {
      topic: state.topic,
      partition: state.partition,
      offset,
      attempt: state.backoff.attempts,
      retryInMs: delayMs,
      failingForMs: state.backoff.failingForMs(),
      err: (failure as Error)?.message ?? String(failure),
    };
    if (state.backoff.attempts === 1) logger.warn(fields, 'delivery failed: partition paused, will retry');
    else logger.info(fields, 'delivery still failing: partition stays paused');
    clearTimeout(state.resumeTimer);
    state.resume = resume;
    state.resumeTimer = setTimeout(() => {
      state.resumeTimer = undefined;
      state.resume = undefined;
      this.updatePausedGauge();
      if (!this.stopping) resume();
    }, delayMs);
    this.updatePausedGauge();
  }
}
