import type { CappedBackoff } from './capped-backoff';
import type { ConcurrencyLimit } from './concurrency-limit';
import type { KeyedMutex } from './keyed-mutex';

/** One fetched message, ready to deliver. */
export interface LaneItem {
  offset: bigint;
  /** Ordering key (the workflow id): one in flight per key, in offset order. */
  key: string;
  run(): Promise<void>;
  /**
   * Present when this message may go to Temporal in one call with the next waiting messages of
   * its key that have it too: called with all of them (this one first), in offset order.
   */
  runTogether?(items: LaneItem[]): Promise<void>;
  /** Size counted against the batch's byte limit and the lane's buffer limit. */
  bytes?: number;
}

export interface LaneFailure {
  offset: bigint;
  attempt: number;
  retryInMs: number;
  failingForMs: number;
  error: unknown;
}

export interface PartitionLaneOptions {
  mutex: KeyedMutex;
  limit: ConcurrencyLimit;
  backoff: CappedBackoff;
  /** Fetching of this partition: paused while it fails or while too much is queued. */
  pause(): void;
  resume(): void;
  /** The commit point moved forward. */
  onProgress(): void;
  onFailure(failure: LaneFailure): void;
  onRecovered(info: { attempts: number; failedForMs: number }): void;
  /** Pause fetching at this many queued messages, resume at `lowWater`. */
  highWater: number;
  lowWater: number;
  /**
   * Pause fetching too once the queued messages hold this many bytes, resume at `lowWaterBytes`:
   * a count alone lets a few hundred large events hold gigabytes.
   */
  highWaterBytes?: number;
  lowWaterBytes?: number;
  /** Most messages (and bytes) of one key delivered in one call; 1 = one at a time. */
  maxBatch?: number;
  maxBatchBytes?: number;
}

/**
 * The messages of one Kafka partition between fetch and commit. Delivery runs beside the
 * fetch loop (a slow partition never holds up the others): per key one call at a time in offset
 * order, different keys in parallel under the shared limit. Messages of a key that queued up
 * while its previous call was in flight go together in the next call (when they allow it), so a
 * backlog drains in a few calls instead of one call per message. The commit point only moves
 * past messages that are done, in offset order. When a delivery fails the lane stops starting
 * messages, pauses fetching and retries the same messages — the same batch, so the retry carries
 * the same request id — after a capped backoff: nothing is skipped, nothing after the failure is
 * committed.
 */
export class PartitionLane {
  /** Offsets enqueued and not yet done, in order (index `head` onwards). */
  private readonly pending: bigint[] = [];
  private head = 0;
  private readonly doneAhead = new Set<bigint>();
  private lastEnqueued: bigint | undefined;
  private readonly chains = new Map<string, LaneItem[]>();
  /** Per key, the batch whose call failed: retried exactly as it was. */
  private readonly failedBatches = new Map<string, number>();
  private readonly runningKeys = new Set<string>();
  private queuedCount = 0;
  private queuedByteCount = 0;
  private halted = false;
  private failing = false;
  /** The message whose failure paused the lane: its success (it is retried first) ends the outage. */
  private failedOffset: bigint | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private fetchPaused = false;
  private idleWaiters: Array<() => void> = [];
  /** The last offset committed to Kafka (next offset to read), kept by the committer. */
  committed: bigint | undefined;

  constructor(private readonly options: PartitionLaneOptions) {}

  /** Adds fetched messages (in offset order); offsets already seen (a re-fetch) are ignored. */
  enqueue(items: LaneItem[]): void {
    for (const item of items) {
      if (this.lastEnqueued !== undefined && item.offset <= this.lastEnqueued) continue;
      this.lastEnqueued = item.offset;
      this.pending.push(item.offset);
      const chain = this.chains.get(item.key);
      if (chain) chain.push(item);
      else this.chains.set(item.key, [item]);
      this.queuedCount++;
      this.queuedByteCount += item.bytes ?? 0;
    }
    this.syncFetching();
    this.pump();
  }

  /** The offset to commit: the first message not done yet, or the one after the last enqueued. */
  get commitPoint(): bigint | undefined {
    if (this.head < this.pending.length) return this.pending[this.head];
    return this.lastEnqueued === undefined ? undefined : this.lastEnqueued + 1n;
  }

  /** Messages enqueued and not done (queued or in flight). */
  get queued(): number {
    return this.queuedCount;
  }

  /** Bytes of the messages enqueued and not done. */
  get queuedBytes(): number {
    return this.queuedByteCount;
  }

  get isFailing(): boolean {
    return this.failing;
  }

  get attempts(): number {
    return this.options.backoff.attempts;
  }

  failingForMs(): number {
    return this.options.backoff.failingForMs();
  }

  /**
   * After a rebalance or a consumer restart the client's own pause state may not match ours (kafkajs
   * keeps pauses across rebalances, drops them on restart): un-pause, then pause again if needed.
   */
  resyncFetching(): void {
    if (this.halted) return;
    this.fetchPaused = false;
    this.options.resume();
    this.syncFetching();
  }

  /** Starts nothing more (shutdown, partition revoked); in-flight deliveries finish. */
  halt(): void {
    this.halted = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Resolves once no delivery of this lane is in flight. */
  idle(): Promise<void> {
    if (this.runningKeys.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.halted || this.failing) return;
    for (const key of this.chains.keys()) {
      if (!this.runningKeys.has(key)) void this.runChain(key);
    }
  }

  private async runChain(key: string): Promise<void> {
    this.runningKeys.add(key);
    const chain = this.chains.get(key)!;
    const { mutex, limit } = this.options;
    try {
      while (chain.length > 0 && !this.halted && !this.failing) {
        let batch: LaneItem[] = [];
        let ran: boolean;
        try {
          // Checked again after each wait (for the key, for a slot): the lane may have stopped meanwhile.
          ran = await mutex.run(key, () =>
            limit.run(async () => {
              if (this.halted || this.failing) return false;
              batch = this.nextBatch(key, chain);
              if (batch.length === 1) await batch[0].run();
              else await batch[0].runTogether!(batch);
              return true;
            }),
          );
        } catch (err) {
          if (batch.length > 0) this.failedBatches.set(key, batch.length);
          this.fail(chain[0].offset, err);
          return;
        }
        if (!ran) return;
        this.failedBatches.delete(key);
        chain.splice(0, batch.length);
        for (const item of batch) this.markDone(item);
      }
    } finally {
      this.runningKeys.delete(key);
      if (chain.length === 0 && this.chains.get(key) === chain) this.chains.delete(key);
      if (this.runningKeys.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** The head of the key's chain and the waiting messages that may join it (or the batch that failed). */
  private nextBatch(key: string, chain: LaneItem[]): LaneItem[] {
    const retry = this.failedBatches.get(key);
    if (retry !== undefined) return chain.slice(0, retry);
    const { maxBatch = 1, maxBatchBytes = Infinity } = this.options;
    if (!chain[0].runTogether) return [chain[0]];
    let bytes = chain[0].bytes ?? 0;
    let size = 1;
    while (size < Math.min(maxBatch, chain.length) && chain[size].runTogether) {
      bytes += chain[size].bytes ?? 0;
      if (bytes > maxBatchBytes) break;
      size++;
    }
    return chain.slice(0, size);
  }

  private markDone({ offset, bytes = 0 }: LaneItem): void {
    this.queuedCount--;
    this.queuedByteCount -= bytes;
    if (offset === this.failedOffset) {
      this.failedOffset = undefined;
      this.options.onRecovered({
        attempts: this.options.backoff.attempts,
        failedForMs: this.options.backoff.failingForMs(),
      });
      this.options.backoff.reset();
    }
    const before = this.commitPoint;
    this.doneAhead.add(offset);
    while (this.head < this.pending.length && this.doneAhead.delete(this.pending[this.head])) this.head++;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (this.commitPoint !== before) this.options.onProgress();
    this.syncFetching();
  }

  private fail(offset: bigint, error: unknown): void {
    if (this.failing || this.halted) return;
    this.failing = true;
    this.failedOffset = offset;
    const retryInMs = this.options.backoff.nextDelayMs();
    this.syncFetching();
    this.options.onFailure({
      offset,
      attempt: this.options.backoff.attempts,
      retryInMs,
      failingForMs: this.options.backoff.failingForMs(),
      error,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.failing = false;
      this.syncFetching();
      this.pump();
    }, retryInMs);
  }

  /** Fetch while healthy and not too far ahead; pause otherwise (with hysteresis). A halted lane leaves fetching to its owner. */
  private syncFetching(): void {
    if (this.halted) return;
    const { highWater, lowWater, highWaterBytes = Infinity } = this.options;
    const lowWaterBytes = this.options.lowWaterBytes ?? highWaterBytes / 4;
    const shouldPause =
      this.failing || this.queuedCount >= highWater || this.queuedByteCount >= highWaterBytes;
    const mayResume = !this.failing && this.queuedCount <= lowWater && this.queuedByteCount <= lowWaterBytes;
    if (shouldPause && !this.fetchPaused) {
      this.fetchPaused = true;
      this.options.pause();
    } else if (this.fetchPaused && mayResume) {
      this.fetchPaused = false;
      this.options.resume();
    }
  }
}
