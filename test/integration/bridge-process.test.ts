import { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import {
  BridgeTestEnv,
  createBridgeTestEnv,
  driftEvent,
  guardianEvents,
  INPUT_PARTITIONS,
  produce,
  startFixtureWorker,
  waitFor,
} from '../helpers/bridge-harness';
import { BridgeProcess, SHUTDOWN_TIMEOUT_MS, spawnBridge } from '../helpers/bridge-process';
import { uniqueName } from '../helpers/stack';

function logLines(bridge: BridgeProcess): Array<Record<string, unknown>> {
  return fs
    .readFileSync(bridge.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

describe('Kafka bridge as its own process: SIGKILL and SIGTERM', () => {
  let t: BridgeTestEnv;
  let worker: { stop(): Promise<void> };
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createBridgeTestEnv();
    worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
  }, 120_000);

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await worker?.stop();
    await t?.close();
  }, 60_000);

  /** Produces `count` drift events spread over the models, `perTick` at a time; records ids per model in order. */
  async function stream(models: string[], produced: Map<string, string[]>, count: number, perTick = 5) {
    for (let sent = 0; sent < count; sent += perTick) {
      const events = Array.from({ length: Math.min(perTick, count - sent) }, (_, i) =>
        driftEvent(models[(sent + i) % models.length]),
      );
      events.forEach((e) => produced.get(e.model_name)!.push(e.event_id));
      await produce(
        t.producer,
        t.topics.drift,
        events.map((e) => ({ key: e.model_name, value: JSON.stringify(e) })),
      );
      await new Promise((r) => setTimeout(r, 60));
    }
  }

  async function received(models: string[]): Promise<string[][]> {
    return Promise.all(
      models.map(async (m) =>
        (await guardianEvents(t.temporal.client, guardianWorkflowId(m))).map((e) => e.eventId),
      ),
    );
  }

  async function committedOffsets(): Promise<Map<number, number>> {
    const admin = t.kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId: t.groupId, topics: [t.topics.drift] });
      // Nothing committed (-1) on a partition no event went to is "at its end" (0): model names
      // are random, so some runs leave a partition empty.
      return new Map(topic.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    } finally {
      await admin.disconnect();
    }
  }

  async function endOffsets(): Promise<Map<number, number>> {
    const admin = t.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(t.topics.drift);
      return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  it('loses nothing and processes nothing twice when killed with SIGKILL mid-stream and restarted', async () => {
    const models = [1, 2, 3, 4, 5].map((n) => uniqueName(`kill-model-${n}`));
    const produced = new Map<string, string[]>(models.map((m) => [m, []]));
    const first = await spawnBridge(t, 'bridge-killed');
    children.push(first.child);

    const streaming = stream(models, produced, 200);
    await waitFor(
      'some events delivered',
      () => received(models),
      (r) => r.flat().length >= 40,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await streaming;

    const second = await spawnBridge(t, 'bridge-restarted');
    children.push(second.child);
    const expected = models.map((m) => produced.get(m)!);
    const final = await waitFor(
      'every event after the restart',
      () => received(models),
      (r) => JSON.stringify(r) === JSON.stringify(expected),
      120_000,
    );
    expect(final.flat()).toHaveLength(200);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 300_000);

  it('on SIGTERM stops fetching, finishes in-flight messages, commits and exits 0; a restart resumes from the committed offsets', async () => {
    const models = [1, 2, 3, 4].map((n) => uniqueName(`term-model-${n}`));
    const produced = new Map<string, string[]>(models.map((m) => [m, []]));
    const expected = () => models.map((m) => produced.get(m)!);
    const bridge = await spawnBridge(t, 'bridge-terminated');
    children.push(bridge.child);
    await stream(models, produced, 40, 10);
    await waitFor(
      'the first events',
      () => received(models),
      (r) => JSON.stringify(r) === JSON.stringify(expected()),
    );

    // SIGTERM while events are still flowing.
    const streaming = stream(models, produced, 120, 5);
    await new Promise((r) => setTimeout(r, 700));
    const signalledAt = Date.now();
    bridge.child.kill('SIGTERM');
    const exit = await bridge.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 10_000);
    const messages = logLines(bridge).map((l) => l.msg);
    expect(messages).toContain('bridge stopped: offsets committed, consumer left the group');
    await streaming;

    // Every committed offset stands for an event Temporal accepted: nothing was committed ahead of it.
    const committed = await committedOffsets();
    expect(committed.size).toBe(INPUT_PARTITIONS);
    const consumer = t.kafka.consumer({ groupId: uniqueName('verify') });
    await consumer.connect();
    await consumer.subscribe({ topic: t.topics.drift, fromBeginning: true });
    const belowCommit: string[] = [];
    const total = await endOffsets();
    const toRead = [...total.values()].reduce((a, b) => a + b, 0);
    let read = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          read++;
          const event = JSON.parse(message.value!.toString());
          // The topic also holds the other test's events: only this test's models count here.
          if (models.includes(event.model_name) && Number(message.offset) < committed.get(partition)!)
            belowCommit.push(event.event_id);
          if (read >= toRead) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(belowCommit.length).toBeGreaterThanOrEqual(40);
    // No bridge runs now, so whatever reaches the guardians was accepted by Temporal before the exit
    // (the worker may still be working through the signals, hence the wait).
    await waitFor(
      'every committed event at its guardian',
      async () => new Set((await received(models)).flat()),
      (delivered) => belowCommit.every((id) => delivered.has(id)),
      30_000,
    );

    // A new bridge continues from the commit: everything arrives, nothing twice, then a clean stop commits to the end.
    const next = await spawnBridge(t, 'bridge-after-sigterm');
    children.push(next.child);
    const final = await waitFor(
      'every event',
      () => received(models),
      (r) => JSON.stringify(r) === JSON.stringify(expected()),
      120_000,
    );
    expect(final.flat()).toHaveLength(160);
    const sorted = (offsets: Map<number, number>) => [...offsets].sort(([a], [b]) => a - b);
    await waitFor(
      'offsets committed to the end',
      async () => sorted(await committedOffsets()),
      (c) => JSON.stringify(c) === JSON.stringify(sorted(total)),
      30_000,
    );
    next.child.kill('SIGTERM');
    expect(await next.exited).toEqual({ code: 0, signal: null });
    expect(sorted(await committedOffsets())).toEqual(sorted(await endOffsets()));
  }, 300_000);
});
