import os from 'node:os';
import path from 'node:path';
import { KafkaBroker, startKafkaBroker } from '../../src/local-services/kafka-broker';
import { findFreePort } from '../../src/local-services/ports';
import {
  BridgeTestEnv,
  capturingLogger,
  createBridgeTestEnv,
  modelEventStream,
  startFixtureWorker,
  startInProcessBridge,
  waitFor,
} from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';

/**
 * A bridge on a single-node broker of the test's OWN (the shared one is left alone), which the
 * test stops and starts again on the same data directory and port.
 */
function useOwnBroker(name: string, firstStart: Record<string, string> = {}) {
  const dataDir = path.join(process.env.TEST_DATA_DIR ?? os.tmpdir(), uniqueName(name));
  const world = {
    port: 0,
    broker: undefined as KafkaBroker | undefined,
    t: undefined as unknown as BridgeTestEnv,
    worker: undefined as { stop(): Promise<void> } | undefined,
    running: undefined as Awaited<ReturnType<typeof startInProcessBridge>> | undefined,
    captured: capturingLogger('info'),
    async stopBroker() {
      await world.broker!.process.stop();
      world.broker = undefined;
    },
    async startBroker(overrides?: Record<string, string>) {
      world.broker = await startKafkaBroker({ dataDir, port: world.port, overrides });
    },
    startBridge: async () => {
      world.running = await startInProcessBridge(world.t, { logger: world.captured.logger });
      return world.running;
    },
  };
  beforeAll(async () => {
    world.port = await findFreePort();
    await world.startBroker(firstStart);
    world.t = await createBridgeTestEnv({
      kafkaBrokers: world.broker!.brokers.join(','),
      env: { BRIDGE_SESSION_TIMEOUT_MS: '10000' },
    });
    world.worker = await startFixtureWorker(world.t.env.TEMPORAL_ADDRESS!, world.t.taskQueue);
  }, 240_000);
  afterAll(async () => {
    await world.running?.stop();
    await world.worker?.stop();
    await world.t?.close();
    await world.broker?.process.stop();
  }, 120_000);
  return world;
}

describe('Kafka bridge: Kafka stopped under a running bridge, then restarted', () => {
  const world = useOwnBroker('kafka-outage');

  it('survives the consumer crashing while Kafka is down, rejoins by itself and delivers everything once, in order', async () => {
    const running = await world.startBridge();
    const models = [1, 2, 3].map((n) => uniqueName(`kafka-outage-model-${n}`));
    const stream = modelEventStream(world.t, models);
    const { received, expected } = stream;
    const produceRound = async (perModel: number) => {
      for (let i = 0; i < perModel; i++) await stream.round();
    };

    await produceRound(5);
    await waitFor(
      'events before the outage',
      received,
      (r) => JSON.stringify(r) === JSON.stringify(expected()),
    );

    await world.stopBroker();
    await waitFor(
      'the consumer to notice',
      async () => running.bridge.metrics.consumerCrashes.get({ restarted: 'true' }),
      (n) => n > 0,
      120_000,
    );
    expect(running.bridge.health().kafka).toEqual(
      expect.objectContaining({ lastCrash: expect.objectContaining({ restart: true }) }),
    );

    await world.startBroker();
    await produceRound(5);
    const final = await waitFor(
      'every event after Kafka is back',
      received,
      (r) => JSON.stringify(r) === JSON.stringify(expected()),
      180_000,
    );
    expect(final.flat()).toHaveLength(30);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await received()).toEqual(expected());
    await waitFor(
      'health back to ok',
      async () => running.bridge.health().status,
      (s) => s === 'ok',
      60_000,
    );
    const messages = world.captured.lines.map((l) => l.msg);
    // kafkajs restarts its consumer itself; @platformatic/kafka's stream ends and the bridge starts a new one.
    expect(messages).toContain(
      world.t.config.kafka.client === 'kafkajs'
        ? 'Kafka consumer crashed; kafkajs restarts it (offsets resume from the last commit)'
        : 'Kafka consumer crashed: the cluster stayed unreachable past its retries; the bridge starts it again (offsets resume from the last commit)',
    );
    expect(messages).toContain('Kafka consumer recovered: re-joined the group');
  }, 420_000);
});

/**
 * A broker that answers but has no group coordinator: its consumer-offsets topic cannot be
 * created (replication factor 2 on one node), as a restarting broker still loading it answers.
 * kafkajs gives up on that for good (a non-retriable crash it does not restart); the bridge must
 * start its consumer again and deliver once the coordinator is there, not stop consuming.
 */
describe('Kafka bridge: no group coordinator past kafkajs retries', () => {
  const world = useOwnBroker('kafka-no-coordinator', { 'offsets.topic.replication.factor': '2' });

  it('starts the consumer again after the crash and delivers every event once the coordinator is back', async () => {
    const running = await world.startBridge();
    let fatal: Error | undefined;
    running.bridge.done.catch((err: Error) => (fatal = err));
    const models = [1, 2].map((n) => uniqueName(`no-coordinator-model-${n}`));
    const stream = modelEventStream(world.t, models);
    await stream.round();

    const crashLine = await waitFor(
      'the crash kafkajs does not restart',
      async () => world.captured.lines.find((l) => String(l.msg).includes('the cluster stayed unreachable')),
      (line) => line !== undefined || fatal !== undefined,
      180_000,
    );
    expect(fatal).toBeUndefined();
    // kafkajs: "Failed to find group coordinator"; @platformatic/kafka: "findGroupCoordinator failed 4 times".
    expect(JSON.stringify(crashLine)).toMatch(/group ?coordinator/i);
    expect(running.bridge.health().status).not.toBe('unavailable');

    // The broker comes back able to host the group (same data, same port).
    await world.stopBroker();
    await world.startBroker();
    await stream.round();
    const final = await waitFor(
      'every event once the coordinator is there',
      stream.received,
      (r) => JSON.stringify(r) === JSON.stringify(stream.expected()),
      180_000,
    );
    expect(final.flat()).toHaveLength(4);
    expect(fatal).toBeUndefined();
  }, 480_000);
});
