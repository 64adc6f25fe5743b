import { ConcurrencyLimit } from '../../src/bridge/concurrency-limit';
import { KeyedItem, runKeyedBatch } from '../../src/bridge/keyed-batch';
import { KeyedMutex } from '../../src/bridge/keyed-mutex';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

/** Items that record when they start and end, optionally failing. */
function recorder() {
  const log: string[] = [];
  let active = 0;
  let maxActive = 0;
  const activePerKey = new Map<string, number>();
  const item = (offset: number, key: string, options: { fail?: boolean; ms?: number } = {}): KeyedItem => ({
    offset: String(offset),
    key,
    async run() {
      active++;
      maxActive = Math.max(maxActive, active);
      activePerKey.set(key, (activePerKey.get(key) ?? 0) + 1);
      if (activePerKey.get(key)! > 1) throw new Error(`two in flight for ${key}`);
      log.push(`start ${offset}`);
      await tick(options.ms ?? 2);
      active--;
      activePerKey.set(key, activePerKey.get(key)! - 1);
      if (options.fail) throw new Error(`item ${offset} failed`);
      log.push(`end ${offset}`);
    },
  });
  return { log, item, maxActive: () => maxActive };
}

const options = (limit = 16) => ({ mutex: new KeyedMutex(), limit: new ConcurrencyLimit(limit), shouldStop: () => false });

describe('runKeyedBatch', () => {
  it('keeps each key in batch order while different keys run side by side', async () => {
    const r = recorder();
    const items = [r.item(0, 'a', { ms: 10 }), r.item(1, 'b'), r.item(2, 'a'), r.item(3, 'b'), r.item(4, 'a')];
    const outcome = await runKeyedBatch(items, options());
    expect([...outcome.completed].sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(outcome.failure).toBeUndefined();
    const order = (key: number[]) => r.log.filter((l) => key.some((k) => l.endsWith(` ${k}`)));
    expect(order([0, 2, 4])).toEqual(['start 0', 'end 0', 'start 2', 'end 2', 'start 4', 'end 4']);
    // b finished both of its items while a's slow first item was still running.
    expect(r.log.indexOf('end 3')).toBeLessThan(r.log.indexOf('end 0'));
  });

  it('never runs more than the limit at once', async () => {
    const r = recorder();
    const items = Array.from({ length: 40 }, (_, i) => r.item(i, `k${i}`, { ms: 3 }));
    const outcome = await runKeyedBatch(items, options(4));
    expect(outcome.completed.size).toBe(40);
    expect(r.maxActive()).toBe(4);
  });

  it('starts nothing after a failure, lets in-flight items finish, and never runs a later item of the failed key', async () => {
    const r = recorder();
    const items = [r.item(0, 'a', { fail: true }), r.item(1, 'b', { ms: 5 }), r.item(2, 'a'), r.item(3, 'c', { ms: 20 }), r.item(4, 'b')];
    const outcome = await runKeyedBatch(items, options());
    expect((outcome.failure as Error).message).toBe('item 0 failed');
    expect(outcome.completed.has('2')).toBe(false);
    expect(outcome.completed.has('4')).toBe(false);
    // b's and c's first items were already running: they finish and count.
    expect([...outcome.completed].sort()).toEqual(['1', '3']);
  });

  it('shares one mutex across batches: two batches never run the same key at once', async () => {
    const r = recorder();
    const shared = options(8);
    const one = runKeyedBatch([r.item(0, 'model', { ms: 5 }), r.item(1, 'model')], shared);
    const two = runKeyedBatch([r.item(10, 'model', { ms: 5 }), r.item(11, 'other')], shared);
    const [a, b] = await Promise.all([one, two]);
    expect(a.failure ?? b.failure).toBeUndefined();
    expect(a.completed.size + b.completed.size).toBe(4);
  });

  it('stops starting items when asked to (shutdown)', async () => {
    const r = recorder();
    let stop = false;
    const items = [r.item(0, 'a', { ms: 5 }), r.item(1, 'a'), r.item(2, 'a')];
    const running = runKeyedBatch(items, { ...options(), shouldStop: () => stop });
    await tick(1);
    stop = true;
    const outcome = await running;
    expect([...outcome.completed]).toEqual(['0']);
    expect(outcome.failure).toBeUndefined();
  });
});

describe('KeyedMutex', () => {
  it('forgets keys once nobody holds or waits for them', async () => {
    const mutex = new KeyedMutex();
    await Promise.all([mutex.run('a', () => tick(2)), mutex.run('a', () => tick(1)), mutex.run('b', () => tick(1))]);
    expect(mutex.size).toBe(0);
  });

  it('releases the key when the holder throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('a', async () => 'next')).resolves.toBe('next');
  });
});
