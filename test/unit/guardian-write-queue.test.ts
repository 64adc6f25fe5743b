import { ApplicationFailure } from '@temporalio/common';
import { batchProgress } from '../../src/activities/guardian/send-alert';
import { createSendAlerts } from '../../src/activities/guardian/send-alerts';
import type { AlertRequest } from '../../src/contracts/guardian-activities';
import { BackgroundWork } from '../../src/workflows/guardian/background-work';
import { WriteQueue } from '../../src/workflows/guardian/write-queue';

/** The guardian's batched writes, without Temporal: what goes in each write, and when. */

interface Pending {
  items: string[];
  done: () => void;
}

function queueWith(limits: { maxItems: number; maxBytes: number; maxInFlight?: number }) {
  const writes: Pending[] = [];
  let settled = 0;
  const work = new BackgroundWork(() => settled++);
  const queue = new WriteQueue<string>(work, {
    what: 'audit',
    keyOf: (first) => `audit:${first}`,
    write: (items) => new Promise<void>((done) => writes.push({ items, done })),
    ...limits,
  });
  return { queue, work, writes, settledCount: () => settled };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteQueue', () => {
  it('writes what waited in one write, and what arrives meanwhile in the next', async () => {
    const { queue, work, writes, settledCount } = queueWith({ maxItems: 100, maxBytes: 1e6 });
    expect(queue.isEmpty).toBe(true);
    queue.add('a');
    queue.add('b');
    expect(queue.wantsFlush).toBe(true);
    queue.flush();
    expect(writes.map((w) => w.items)).toEqual([['a', 'b']]);
    expect([...work.running.keys()]).toEqual(['audit:a']);
    // One write at a time: new items wait, and a flush does not start a second write.
    queue.add('c');
    queue.add('d');
    expect(queue.wantsFlush).toBe(false);
    queue.flush();
    expect(writes).toHaveLength(1);
    expect(queue.isEmpty).toBe(false);
    // When the write settles, the waiting items go out at once.
    writes[0].done();
    await tick();
    expect(writes.map((w) => w.items)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    writes[1].done();
    await tick();
    expect(queue.isEmpty).toBe(true);
    expect(work.size).toBe(0);
    expect(settledCount()).toBe(2);
  });

  it('starts up to maxInFlight writes, and is empty only when all settled', async () => {
    const { queue, writes } = queueWith({ maxItems: 100, maxBytes: 1e6, maxInFlight: 2 });
    queue.add('a');
    queue.flush();
    queue.add('b');
    expect(queue.wantsFlush).toBe(true);
    queue.flush();
    queue.add('c');
    expect(queue.wantsFlush).toBe(false);
    queue.flush();
    expect(writes.map((w) => w.items)).toEqual([['a'], ['b']]);
    // The second settles first: the waiting item goes out while the first is still in flight.
    writes[1].done();
    await tick();
    expect(writes.map((w) => w.items)).toEqual([['a'], ['b'], ['c']]);
    writes[2].done();
    await tick();
    expect(queue.isEmpty).toBe(false);
    writes[0].done();
    await tick();
    expect(queue.isEmpty).toBe(true);
  });

  it('splits by item count and by serialized size, and sends an oversized item alone', async () => {
    const { queue, writes } = queueWith({ maxItems: 3, maxBytes: 20 });
    for (const item of ['a', 'b', 'c', 'd', 'x'.repeat(50), 'e', 'f']) queue.add(item);
    const written: string[][] = [];
    queue.flush();
    while (writes.length > written.length) {
      const next = writes[written.length];
      written.push(next.items);
      next.done();
      await tick();
    }
    // '"a"' is 3 bytes: three fit in 20; the 52-byte item goes on its own.
    expect(written).toEqual([['a', 'b', 'c'], ['d'], ['x'.repeat(50)], ['e', 'f']]);
    expect(queue.isEmpty).toBe(true);
  });
});

describe('sendAlerts', () => {
  const alert = (alertId: string): AlertRequest => ({
    alertId,
    modelName: 'fraud',
    title: 't',
    message: 'm',
    priority: 'low',
    time: '2026-03-02T10:00:00.000Z',
  });

  it('tries every alert and names the undelivered ones in a retryable failure', async () => {
    const tried: string[] = [];
    const sendAlerts = createSendAlerts(async (request) => {
      tried.push(request.alertId);
      if (request.alertId === 'b') throw new Error('webhook answered 503');
      return { deliveredTo: ['kafka'] };
    });
    const failure = await sendAlerts([alert('a'), alert('b'), alert('c')]).catch((err: unknown) => err);
    expect(tried).toEqual(['a', 'b', 'c']);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const app = failure as ApplicationFailure;
    expect(app.nonRetryable).toBe(false);
    expect(app.message).toBe('1 of 3 alert(s) not delivered; first: b: webhook answered 503');
    expect(app.details).toEqual([{ failed: [{ alertId: 'b', error: 'webhook answered 503' }] }]);
  });

  it('gives up at once when every failure is non-retryable, and returns the count when all arrive', async () => {
    const refuse = createSendAlerts(async () => {
      throw ApplicationFailure.create({ message: 'bad request', nonRetryable: true });
    });
    const failure = (await refuse([alert('a')]).catch((err: unknown) => err)) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    const accept = createSendAlerts(async () => ({ deliveredTo: ['kafka'] }));
    await expect(accept([alert('a'), alert('b')])).resolves.toEqual({ delivered: 2 });
  });
});

describe('batchProgress (the heartbeat of sendAlerts)', () => {
  it('keeps every alert of the batch apart, and gives a retry back what each reached', () => {
    const beats: unknown[] = [];
    const ctx = (heartbeatDetails: unknown) =>
      ({ info: { heartbeatDetails }, heartbeat: (d: unknown) => beats.push(d) }) as unknown as Parameters<
        typeof batchProgress
      >[0];
    const first = batchProgress(ctx(undefined));
    first.delivered('a', ['kafka']);
    first.delivered('b', ['kafka', 'webhook']);
    expect(beats.at(-1)).toEqual({ deliveredByAlert: { a: ['kafka'], b: ['kafka', 'webhook'] } });
    // The retry's attempt reads its predecessor's last heartbeat: nothing is mixed up.
    const retry = batchProgress(ctx(beats.at(-1)));
    expect(retry.deliveredEarlier('a')).toEqual(['kafka']);
    expect(retry.deliveredEarlier('b')).toEqual(['kafka', 'webhook']);
    expect(retry.deliveredEarlier('c')).toEqual([]);
  });
});
