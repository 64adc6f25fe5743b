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
 * Kafka goes away under a running bridge and comes back. This test runs its OWN single-node
 * broker (same data directory across the restart) instead of the shared one.
 */
describe('Kafka bridge: Kafka stopped under a running bridge, then restarted', () => {
  const dataDir = path.join(process.env.TEST_DATA_DIR ?? os.tmpdir(), uniqueName('kafka-outage'));
  let port: number;
  let broker: KafkaBroker | undefined;
  let t: BridgeTestEnv;
  let worker: { stop(): Promise<void> };
  let running: Awaited<ReturnType<typeof startInProcessBridge>> | undefined;
  const captured = capturingLogger('info');

  beforeAll(async () => {
    port = await findFreePort();
    broker = await startKafkaBroker({ dataDir, port });
    t = await createBridgeTestEnv({
      kafkaBrokers: broker.brokers.join(','),
      env: { BRIDGE_SESSION_TIMEOUT_MS: '10000' },
    });
    worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
    running = await startInProcessBridge(t, { logger: captured.logger });
  }, 240_000);

  afterAll(async () => {
    await running?.stop();
    await worker?.stop();
    await t?.close();
    await broker?.process.stop();
  }, 120_000);

  it('survives the consumer crashing while Kafka is down, rejoins by itself and delivers everything once, in order', async () => {
    const models = [1, 2, 3].map((n) => uniqueName(`kafka-outage-model-${n}`));
    const stream = modelEventStream(t, models);
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

    await broker!.process.stop();
    broker = undefined;
    await waitFor(
      'the consumer to notice',
      async () => running!.bridge.metrics.consumerCrashes.get({ restarted: 'true' }),
      (n) => n > 0,
      120_000,
    );
    expect(running!.bridge.health().kafka).toEqual(
      expect.objectContaining({ lastCrash: expect.objectContaining({ restart: true }) }),
    );

    broker = await startKafkaBroker({ dataDir, port });
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
      async () => running!.bridge.health().status,
      (s) => s === 'ok',
      60_000,
    );
    const messages = captured.lines.map((l) => l.msg);
    expect(messages).toContain(
      'Kafka consumer crashed; kafkajs restarts it (offsets resume from the last commit)',
    );
    expect(messages).toContain('Kafka consumer recovered: re-joined the group');
  }, 420_000);
});
