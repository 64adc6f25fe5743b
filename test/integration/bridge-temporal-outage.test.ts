import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/local-services/ports';
import { startTemporalDevServer, TemporalDevServer } from '../../src/local-services/temporal-dev-server';
import {
  BridgeTestEnv,
  capturingLogger,
  createBridgeTestEnv,
  driftEvent,
  modelEventStream,
  produce,
  startFixtureWorker,
  startInProcessBridge,
  waitFor,
} from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';

/**
 * Temporal goes away while events flow, then comes back. This test runs its OWN Temporal dev
 * server (SQLite file, so workflows survive the restart) instead of the shared one.
 */
describe('Kafka bridge: Temporal stopped while events flow, then restarted', () => {
  const dataDir = path.join(process.env.TEST_DATA_DIR ?? os.tmpdir(), uniqueName('temporal-outage'));
  let port: number;
  let server: TemporalDevServer | undefined;
  let t: BridgeTestEnv;
  let worker: { stop(): Promise<void> } | undefined;
  let running: Awaited<ReturnType<typeof startInProcessBridge>>;
  const captured = capturingLogger('info');

  beforeAll(async () => {
    port = await findFreePort();
    server = await startTemporalDevServer({ dataDir, port, headless: true });
    t = await createBridgeTestEnv({ temporalAddress: server.address });
    worker = await startFixtureWorker(server.address, t.taskQueue);
    running = await startInProcessBridge(t, { logger: captured.logger });
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
    await worker?.stop();
    await t?.close();
    await server?.process.stop();
  }, 90_000);

  it('pauses instead of skipping, recovers by itself and delivers every event exactly once, in order per model', async () => {
    const models = [1, 2, 3, 4].map((n) => uniqueName(`outage-model-${n}`));
    const stream = modelEventStream(t, models);
    const { received: allDelivered, expected } = stream;
    const produceRound = async (perModel: number) => {
      for (let i = 0; i < perModel; i++) {
        await stream.round({ drift_score: (i % 10) / 10 });
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    await produceRound(5);
    await waitFor('the first events', allDelivered, (r) => JSON.stringify(r) === JSON.stringify(expected()));

    // Temporal goes down while events keep coming.
    await worker!.stop();
    worker = undefined;
    await server!.process.stop();
    server = undefined;
    await produceRound(5);
    await waitFor(
      'partitions paused by the outage',
      async () => running.bridge.health(),
      (h) =>
        h.status === 'degraded' && (h.kafka as { pausedPartitions: unknown[] }).pausedPartitions.length > 0,
      60_000,
    );
    // A paused partition resumes for each retry (a call in flight is not "paused"), so health
    // alternates while Temporal is down: what matters is that /healthz says degraded, not ok.
    const healthz = await waitFor(
      '/healthz to report the outage',
      async () => {
        const res = await fetch(`http://127.0.0.1:${running.bridge.http!.port}/healthz`);
        return { status: res.status, body: (await res.json()) as { status: string } };
      },
      (h) => h.body.status === 'degraded',
      60_000,
    );
    expect(healthz.status).toBe(200);
    expect(running.bridge.metrics.deliveryFailures.get({ topic: t.topics.drift })).toBeGreaterThan(0);
    await produceRound(3);

    // Temporal comes back on the same port with the same database.
    server = await startTemporalDevServer({ dataDir, port, headless: true });
    worker = await startFixtureWorker(server.address, t.taskQueue);
    await produceRound(5);

    const final = await waitFor(
      'every event after the restart',
      allDelivered,
      (r) => JSON.stringify(r) === JSON.stringify(expected()),
      120_000,
    );
    // Nothing lost, nothing twice, each model's events in the order produced.
    expect(final).toEqual(expected());
    expect(final.flat()).toHaveLength(4 * 18);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await allDelivered()).toEqual(expected());

    const messages = captured.lines.map((l) => l.msg);
    expect(messages).toContain('delivery failed: partition paused, will retry');
    expect(messages).toContain('delivery recovered: partition is flowing again');
    expect(running.bridge.metrics.deliveryFailures.get({ topic: t.topics.drift })).toBeGreaterThan(0);
    // What queued per model during the outage went to its guardian in batch signals, in order.
    expect(running.bridge.metrics.batchedSignals.get()).toBeGreaterThan(0);
    await waitFor(
      'health back to ok',
      async () => running.bridge.health().status,
      (s) => s === 'ok',
      30_000,
    );
    expect(running.bridge.metrics.deadLettered.get({ reason: 'rejected_by_temporal' })).toBe(0);
  }, 300_000);

  it('gives up in-flight calls when shutdown runs out of time, and commits nothing past them', async () => {
    // A second bridge whose calls would wait a minute, but whose shutdown allows two seconds.
    const slow = await createBridgeTestEnv({
      temporalAddress: server!.address,
      env: { BRIDGE_TEMPORAL_CALL_TIMEOUT_MS: '60000', BRIDGE_SHUTDOWN_TIMEOUT_MS: '2000' },
    });
    const bridge = await startInProcessBridge(slow);
    const model = uniqueName('frozen-model');
    try {
      // Temporal frozen (not dead): the call hangs instead of failing fast.
      process.kill(server!.process.pid, 'SIGSTOP');
      await produce(slow.producer, slow.topics.drift, [
        { key: model, value: JSON.stringify(driftEvent(model)) },
      ]);
      await waitFor(
        'a call in flight',
        async () => bridge.bridge.health().inFlight as number,
        (n) => n > 0,
        60_000,
      );
      const startedAt = Date.now();
      expect(await bridge.stop()).toBe(false);
      expect(Date.now() - startedAt).toBeLessThan(2000 + 5000 + 3000);
    } finally {
      process.kill(server!.process.pid, 'SIGCONT');
    }
    const admin = slow.kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: slow.groupId, topics: [slow.topics.drift] });
    await admin.disconnect();
    // Nothing committed: the abandoned event is delivered by whoever consumes next.
    expect(offsets.partitions.every((p) => p.offset === '-1' || p.offset === '0')).toBe(true);
    await slow.close();
  }, 120_000);
});
