import type { BackgroundWork } from './background-work';

export interface WriteQueueOptions<T> {
  /** What the state query shows for a write in flight (e.g. 'audit'). */
  what: string;
  /** The id of a write in the background-work map, from its first item. */
  keyOf: (first: T) => string;
  /** Writes a batch; it must not throw (failures are counted by the caller's writer). */
  write: (items: T[]) => Promise<void>;
  /** Most items one write carries. */
  maxItems: number;
  /** Most serialized bytes one write carries (an item larger than this goes alone). */
  maxBytes: number;
  /** Writes in flight at once (default 1: a guardian's own; a shard's many models use more). */
  maxInFlight?: number;
}

/**
 * Items a guardian produced (audit rows, drift alerts) written by ONE activity per batch instead
 * of one each: every activity costs the Temporal server an activity task and the guardian a
 * workflow task for its result, which capped the decision path at a few dozen events a second.
 *
 * At most `maxInFlight` writes are in flight (one for a guardian of its own). Items that arrive
 * meanwhile wait and go in the next write, which starts when a previous one settles or when the
 * event loop flushes: the busier a model, the larger its batches. A regular activity (not a local one) carries each write, so whether and what
 * is written is decided by workflow code and history alone and replays exactly as it ran.
 */
export class WriteQueue<T> {
  private waiting: T[] = [];
  private inFlight = 0;

  constructor(
    private readonly work: BackgroundWork,
    private readonly options: WriteQueueOptions<T>,
  ) {}

  /** Items not yet written or being written: the run must not end while there are any. */
  get isEmpty(): boolean {
    return this.waiting.length === 0 && this.inFlight === 0;
  }

  /** Items wait and another write may start: the event loop should flush. */
  get wantsFlush(): boolean {
    return this.waiting.length > 0 && this.inFlight < (this.options.maxInFlight ?? 1);
  }

  add(item: T): void {
    this.waiting.push(item);
  }

  /** Starts one write with the items waiting, up to the size limits, unless maxInFlight are. */
  flush(): void {
    if (!this.wantsFlush) return;
    const batch = this.takeBatch();
    this.inFlight++;
    this.work.track(this.options.keyOf(batch[0]), this.options.what, async () => {
      try {
        await this.options.write(batch);
      } finally {
        this.inFlight--;
        this.flush();
      }
    });
  }

  private takeBatch(): T[] {
    const { maxItems, maxBytes } = this.options;
    let bytes = 0;
    let count = 0;
    while (count < this.waiting.length && count < maxItems) {
      bytes += JSON.stringify(this.waiting[count]).length;
      if (count > 0 && bytes > maxBytes) break;
      count++;
    }
    return this.waiting.splice(0, count);
  }
}
