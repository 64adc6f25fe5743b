import {
  BridgeTestEnv,
  createBridgeTestEnv,
  modelEventStream,
  startFixtureWorker,
  startInProcessBridge,
  waitFor,
} from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';

describe('Kafka bridge scaled out: two members of one consumer group', () => {
  let t: BridgeTestEnv;
  let worker: { stop(): Promise<void> };
  const bridges: Array<Awaited<ReturnType<typeof startInProcessBridge>>> = [];

  beforeAll(async () => {
    t = await createBridgeTestEnv({ env: { BRIDGE_SESSION_TIMEOUT_MS: '10000' } });
    worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
  }, 120_000);

  afterAll(async () => {
    for (const b of bridges) await b.stop().catch(() => undefined);
    await worker?.stop();
    await t?.close();
  }, 60_000);

  it('shares the partitions, hands them over on join and leave, and delivers every event once, in order per model', async () => {
    const models = Array.from({ length: 9 }, (_, i) => uniqueName(`scale-model-${i}`));
    const stream = modelEventStream(t, models);
    const { received, expected } = stream;
    const produceRound = () => stream.round();
    // On a timeout, each member's view of the group (joined, partitions, paused ones, last crash)
    // says whether a handover stalled in Kafka or in delivery.
    const allReceived = () =>
      waitFor(
        'every event so far',
        received,
        (r) => JSON.stringify(r) === JSON.stringify(expected()),
        90_000,
      ).catch((err: Error) => {
        const members = bridges.map((b) => b.bridge.health());
        throw new Error(
          `${err.message}\nexpected: ${JSON.stringify(expected())}\nbridges: ${JSON.stringify(members)}`,
          { cause: err },
        );
      });
    const consumed = (i: number) => bridges[i].bridge.metrics.consumed.get({ topic: t.topics.drift });

    bridges.push(await startInProcessBridge(t));
    for (let i = 0; i < 3; i++) await produceRound();
    await allReceived();

    // A second member joins: the group rebalances and both work.
    bridges.push(await startInProcessBridge(t));
    const owned = await waitFor(
      'both members to own partitions',
      async () =>
        bridges.map((b) => (b.bridge.health().kafka as { assignedPartitions: number }).assignedPartitions),
      (counts) => counts.every((n) => n > 0) && counts[0] + counts[1] === 6 * 3,
      60_000,
    );
    expect(owned[0] + owned[1]).toBe(18);
    for (let i = 0; i < 6; i++) {
      await produceRound();
      await new Promise((r) => setTimeout(r, 200));
    }
    await allReceived();
    expect(consumed(1)).toBeGreaterThan(0);

    // The first leaves (graceful): its partitions move to the second, from the committed offsets.
    expect(await bridges[0].stop()).toBe(true);
    const firstTotal = consumed(0);
    for (let i = 0; i < 3; i++) await produceRound();
    const final = await allReceived();
    expect(final.flat()).toHaveLength(9 * 12);
    expect(consumed(0)).toBe(firstTotal);
    expect(consumed(0) + consumed(1)).toBeGreaterThanOrEqual(9 * 12);
  }, 240_000);
});
