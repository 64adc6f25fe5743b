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
 * A broker that answers but has no group coordinator: its consumer-offsets topic cannot be
 * created (replication factor 2 on one node), as a restarting broker still loading it answers.
 * kafkajs gives up on that for good (a non-retriable crash it does not restart); the bridge must
 * start its consumer again and deliver once the coordinator is there, not stop consuming.
 */
describe('Kafka bridge: no group coordinator past kafkajs retries', () => {
  const dataDir = path.join(process.env.TEST_DATA_DIR ?? os.tmpdir(), uniqueName('kafka-no-coordinator'));
  const noCoordinator = { 'offsets.topic.replication.factor': '2' };
  let port: number;
  let broker: KafkaBroker | undefined;
  let t: BridgeTestEnv;
  let worker: { stop(): Promise<void> };
  let running: Awaited<ReturnType<typeof startInProcessBridge>> | undefined;
  const captured = capturingLogger('info');

  beforeAll(async () => {
    port = await findFreePort();
    broker = await startKafkaBroker({ dataDir, port, overrides: noCoordinator });
    t = await createBridgeTestEnv({
      kafkaBrokers: broker.brokers.join(','),
      env: { BRIDGE_SESSION_TIMEOUT_MS: '10000' },
    });
    worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
  }, 240_000);

  afterAll(async () => {
    await running?.stop();
    await worker?.stop();
    await t?.close();
    await broker?.process.stop();
  }, 120_000);

  it('starts the consumer again after the crash and delivers every event once the coordinator is back', async () => {
    running = await startInProcessBridge(t, { logger: captured.logger });
    let fatal: Error | undefined;
    running.bridge.done.catch((err: Error) => (fatal = err));
    const models = [1, 2].map((n) => uniqueName(`no-coordinator-model-${n}`));
    const stream = modelEventStream(t, models);
    await stream.round();

    const crashLine = await waitFor(
      'the crash kafkajs does not restart',
      async () => captured.lines.find((l) => String(l.msg).includes('the cluster stayed unreachable')),
      (line) => line !== undefined || fatal !== undefined,
      180_000,
    );
    expect(fatal).toBeUndefined();
    expect(JSON.stringify(crashLine)).toContain('group coordinator');
    expect(running.bridge.health().status).not.toBe('unavailable');

    // The broker comes back able to host the group (same data, same port).
    await broker!.process.stop();
    broker = await startKafkaBroker({ dataDir, port });
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
