import { CappedBackoff } from '../../src/bridge/capped-backoff';
import { ConcurrencyLimit } from '../../src/bridge/concurrency-limit';
import { KeyedMutex } from '../../src/bridge/keyed-mutex';
import { LaneFailure, LaneItem, PartitionLane } from '../../src/bridge/partition-lane';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(1);
  }
}

/** A lane with recording callbacks and items whose behaviour a test scripts. */
function harness(
  options: {
    limit?: number;
    highWater?: number;
    lowWater?: number;
    highWaterBytes?: number;
    lowWaterBytes?: number;
    maxBatch?: number;
  } = {},
) {
  const log: string[] = [];
  const fetch: string[] = [];
  const failures: LaneFailure[] = [];
  const recoveries: number[] = [];
  let active = 0;
  let maxActive = 0;
  const activeKeys = new Map<string, number>();
  const lane = new PartitionLane({
    mutex: new KeyedMutex(),
    limit: new ConcurrencyLimit(options.limit ?? 16),
    backoff: new CappedBackoff(5, 20, () => 0.5),
    highWater: options.highWater ?? 1000,
    lowWater: options.lowWater ?? 250,
    highWaterBytes: options.highWaterBytes,
    lowWaterBytes: options.lowWaterBytes,
    maxBatch: options.maxBatch ?? 10,
    maxBatchBytes: 1000,
    pause: () => fetch.push('pause'),
    resume: () => fetch.push('resume'),
    onProgress: () => undefined,
    onFailure: (f) => failures.push(f),
    onRecovered: (r) => recoveries.push(r.attempts),
  });
  /** Batches (of items made with `together`) that fail before one goes through. */
  const batches = { failuresLeft: 0 };
  const item = (
    offset: number,
    key: string,
    behaviour: {
      ms?: number;
      failTimes?: number;
      gate?: Promise<void>;
      together?: boolean;
      bytes?: number;
    } = {},
  ): LaneItem => {
    let failuresLeft = behaviour.failTimes ?? 0;
    const runTogether = async (items: LaneItem[]) => {
      if (activeKeys.get(key)) throw new Error(`two in flight for ${key}`);
      activeKeys.set(key, 1);
      try {
        const offsets = items.map((i) => i.offset).join(',');
        log.push(`start ${offsets}`);
        await tick(2);
        if (batches.failuresLeft > 0) {
          batches.failuresLeft--;
          throw new Error(`batch ${offsets} failed`);
        }
        log.push(`end ${offsets}`);
      } finally {
        activeKeys.set(key, 0);
      }
    };
    return {
      offset: BigInt(offset),
      key,
      bytes: behaviour.bytes ?? 10,
      ...(behaviour.together ? { runTogether } : {}),
      async run() {
        active++;
        maxActive = Math.max(maxActive, active);
        activeKeys.set(key, (activeKeys.get(key) ?? 0) + 1);
        try {
          if (activeKeys.get(key)! > 1) throw new Error(`two in flight for ${key}`);
          log.push(`start ${offset}`);
          await (behaviour.gate ?? tick(behaviour.ms ?? 2));
          if (failuresLeft > 0) {
            failuresLeft--;
            throw new Error(`item ${offset} failed`);
          }
          log.push(`end ${offset}`);
        } finally {
          active--;
          activeKeys.set(key, activeKeys.get(key)! - 1);
        }
      },
    };
  };
  return { lane, item, log, fetch, failures, recoveries, batches, maxActive: () => maxActive };
}

describe('PartitionLane', () => {
  it('keeps each key in offset order while different keys run side by side', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.lane.enqueue([
      h.item(0, 'a', { gate }),
      h.item(1, 'b'),
      h.item(2, 'a'),
      h.item(3, 'b'),
      h.item(4, 'a'),
    ]);
    // b's two messages go through while a's first one is still running; a's others wait for it.
    await until(() => h.log.includes('end 3'), "b's messages");
    expect(h.log).toEqual(['start 0', 'start 1', 'end 1', 'start 3', 'end 3']);
    expect(h.lane.commitPoint).toBe(0n);
    release();
    await until(() => h.lane.commitPoint === 5n, 'all done');
    const ofA = h.log.filter((l) => / (0|2|4)$/.test(l));
    expect(ofA).toEqual(['start 0', 'end 0', 'start 2', 'end 2', 'start 4', 'end 4']);
  });

  it('moves the commit point only over messages that are done, in offset order', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.lane.enqueue([h.item(10, 'slow', { gate }), h.item(11, 'fast'), h.item(12, 'fast')]);
    await until(() => h.log.includes('end 12'), 'the fast key');
    expect(h.lane.commitPoint).toBe(10n); // 11 and 12 are done, 10 is not: nothing past it may be committed
    release();
    await until(() => h.lane.commitPoint === 13n, 'the slow key');
    expect(h.lane.queued).toBe(0);
  });

  it('never runs more than the shared limit at once', async () => {
    const h = harness({ limit: 3 });
    h.lane.enqueue(Array.from({ length: 30 }, (_, i) => h.item(i, `k${i}`, { ms: 3 })));
    await until(() => h.lane.commitPoint === 30n, 'all done');
    expect(h.maxActive()).toBe(3);
  });

  it('on a failure pauses fetching, starts nothing else, and retries the SAME message after the backoff', async () => {
    const h = harness();
    h.lane.enqueue([h.item(0, 'a', { failTimes: 2 }), h.item(1, 'a'), h.item(2, 'b', { ms: 10 })]);
    await until(() => h.lane.commitPoint === 3n, 'recovery', 3000);
    expect(h.failures.map((f) => [f.offset, f.attempt])).toEqual([
      [0n, 1],
      [0n, 2],
    ]);
    expect(h.failures[1].retryInMs).toBeGreaterThan(h.failures[0].retryInMs);
    expect(h.fetch).toEqual(['pause', 'resume', 'pause', 'resume']);
    // Message 1 (same key) only ever ran after message 0 finally went through.
    expect(h.log.indexOf('start 1')).toBeGreaterThan(h.log.indexOf('end 0'));
    expect(h.log.filter((l) => l === 'end 0')).toHaveLength(1);
    expect(h.recoveries).toEqual([2]);
    expect(h.lane.isFailing).toBe(false);
  });

  it('pauses fetching when too much is queued and resumes once it drained', async () => {
    const h = harness({ limit: 1, highWater: 10, lowWater: 3 });
    h.lane.enqueue(Array.from({ length: 12 }, (_, i) => h.item(i, 'one-model', { ms: 1 })));
    expect(h.fetch).toEqual(['pause']);
    await until(() => h.lane.commitPoint === 12n, 'drained');
    expect(h.fetch).toEqual(['pause', 'resume']);
  });

  it('pauses fetching when the queued messages hold too many bytes, however few they are', async () => {
    const h = harness({
      limit: 1,
      highWater: 256,
      lowWater: 64,
      highWaterBytes: 3_000,
      lowWaterBytes: 1_000,
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Two large messages stay under the cap; the third reaches it although 3 is far below 256.
    h.lane.enqueue([h.item(0, 'm', { gate, bytes: 1_000 }), h.item(1, 'm', { bytes: 1_000 })]);
    expect(h.fetch).toEqual([]);
    h.lane.enqueue([h.item(2, 'm', { bytes: 1_000 })]);
    expect(h.fetch).toEqual(['pause']);
    expect(h.lane.queuedBytes).toBe(3_000);
    release();
    // Resumes once no more than lowWaterBytes wait: after two of the three are done.
    await until(() => h.fetch.length === 2, 'resumed');
    expect(h.fetch).toEqual(['pause', 'resume']);
    expect(h.lane.queuedBytes).toBeLessThanOrEqual(1_000);
    await until(() => h.lane.commitPoint === 3n, 'drained');
    expect(h.lane.queuedBytes).toBe(0);
  });

  it('pauses at one message larger than the byte cap and resumes when it is delivered', async () => {
    const h = harness({ limit: 1, highWaterBytes: 1_000 });
    h.lane.enqueue([h.item(0, 'm', { bytes: 5_000 })]);
    expect(h.fetch).toEqual(['pause']);
    await until(() => h.lane.commitPoint === 1n, 'delivered');
    expect(h.fetch).toEqual(['pause', 'resume']);
  });

  it('ignores a re-fetch of messages it already has', async () => {
    const h = harness();
    h.lane.enqueue([h.item(0, 'a'), h.item(1, 'a')]);
    h.lane.enqueue([h.item(0, 'a'), h.item(1, 'a'), h.item(2, 'a')]);
    await until(() => h.lane.commitPoint === 3n, 'all done');
    expect(h.log.filter((l) => l.startsWith('end'))).toEqual(['end 0', 'end 1', 'end 2']);
  });

  it('when halted starts nothing more and reports idle once in-flight work finished', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.lane.enqueue([h.item(0, 'a', { gate }), h.item(1, 'a'), h.item(2, 'b', { gate })]);
    await until(() => h.log.length === 2, 'both keys started');
    h.lane.halt();
    let idle = false;
    const idled = h.lane.idle().then(() => (idle = true));
    await tick(5);
    expect(idle).toBe(false);
    release();
    await idled;
    expect(h.log.filter((l) => l.startsWith('end')).sort()).toEqual(['end 0', 'end 2']);
    expect(h.lane.commitPoint).toBe(1n);
    expect(h.fetch).toEqual([]);
  });

  it('delivers the messages of a key that queued while its call was in flight in one call, in order', async () => {
    const h = harness({ maxBatch: 3 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.lane.enqueue([h.item(0, 'a', { gate, together: true })]);
    await until(() => h.log.includes('start 0'), 'the first call');
    h.lane.enqueue([1, 2, 3, 4].map((o) => h.item(o, 'a', { together: true })));
    release();
    await until(() => h.lane.commitPoint === 5n, 'all done');
    // At most maxBatch per call; the rest in the next call.
    expect(h.log.filter((l) => l.startsWith('end'))).toEqual(['end 0', 'end 1,2,3', 'end 4']);
  });

  it('ends a batch at a message that cannot join it, and at the byte limit', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.lane.enqueue([h.item(0, 'a', { gate })]);
    await until(() => h.log.includes('start 0'), 'the first call');
    h.lane.enqueue([
      h.item(1, 'a', { together: true }),
      h.item(2, 'a', { together: true }),
      h.item(3, 'a'),
      h.item(4, 'a', { together: true, bytes: 600 }),
      h.item(5, 'a', { together: true, bytes: 600 }),
    ]);
    release();
    await until(() => h.lane.commitPoint === 6n, 'all done');
    expect(h.log.filter((l) => l.startsWith('end'))).toEqual(['end 0', 'end 1,2', 'end 3', 'end 4', 'end 5']);
  });

  it('retries a failed batch exactly as it was (same request id), even when more messages queued meanwhile', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.lane.enqueue([h.item(0, 'a', { gate })]);
    await until(() => h.log.includes('start 0'), 'the first call');
    h.lane.enqueue([1, 2].map((o) => h.item(o, 'a', { together: true })));
    h.batches.failuresLeft = 1;
    release();
    await until(() => h.failures.length === 1, 'the failed batch');
    h.lane.enqueue([3].map((o) => h.item(o, 'a', { together: true })));
    await until(() => h.lane.commitPoint === 4n, 'recovery', 3000);
    expect(h.log.filter((l) => l.startsWith('start'))).toEqual([
      'start 0',
      'start 1,2',
      'start 1,2',
      'start 3',
    ]);
    expect(h.failures.map((f) => f.offset)).toEqual([1n]);
  });
});
