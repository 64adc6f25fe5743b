import type { ConcurrencyLimit } from './concurrency-limit';
import type { KeyedMutex } from './keyed-mutex';

export interface KeyedItem {
  /** Kafka offset of the message. */
  offset: string;
  /** Ordering key: items with the same key run one after another, in batch order. */
  key: string;
  run(): Promise<void>;
}

export interface KeyedBatchOutcome {
  /** Offsets whose item finished (in no particular order). */
  completed: Set<string>;
  /** The first failure; no item started after it. */
  failure?: unknown;
}

export interface KeyedBatchOptions {
  mutex: KeyedMutex;
  limit: ConcurrencyLimit;
  /** Checked before each item: true stops starting new ones (shutdown, rebalance). */
  shouldStop(): boolean;
  /** Called after each finished item (the consumer heartbeats here). */
  afterEach?(): Promise<void>;
}

/**
 * Runs a batch with per-key order and parallelism across keys: each key's items in sequence,
 * different keys concurrently (bounded by the shared limit). On the first failure no further
 * item starts — the ones in flight finish — so the caller can pause and retry from the first
 * unfinished offset without having skipped anything.
 */
export async function runKeyedBatch(items: KeyedItem[], options: KeyedBatchOptions): Promise<KeyedBatchOutcome> {
  const chains = new Map<string, KeyedItem[]>();
  for (const item of items) {
    const chain = chains.get(item.key);
    if (chain) chain.push(item);
    else chains.set(item.key, [item]);
  }
  const completed = new Set<string>();
  let failure: unknown;
  let failed = false;

  const halted = () => failed || options.shouldStop();
  const fail = (err: unknown) => {
    if (!failed) {
      failed = true;
      failure = err;
    }
  };

  const runChain = async (key: string, chain: KeyedItem[]) => {
    for (const item of chain) {
      if (halted()) return;
      try {
        // Checked again after each wait (for the key, for a slot): a failure elsewhere may have halted the batch meanwhile.
        const ran = await options.mutex.run(key, () =>
          options.limit.run(async () => {
            if (halted()) return false;
            await item.run();
            return true;
          }),
        );
        if (!ran) return;
        completed.add(item.offset);
        await options.afterEach?.();
      } catch (err) {
        fail(err);
        return;
      }
    }
  };

  await Promise.all([...chains].map(([key, chain]) => runChain(key, chain)));
  return { completed, failure };
}
