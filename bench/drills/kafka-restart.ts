import { startKafkaBroker, type KafkaBroker } from '../../src/local-services/kafka-broker';
import { findFreePort } from '../../src/local-services/ports';
import {
  createBridgeTestEnv,
  startFixtureWorker,
  startInProcessBridge,
} from '../../test/helpers/bridge-harness';
import { sleep, streamDrill } from './stream-drill';
import type { DrillRun } from './tally';
import { throwawayDataDir } from './throwaway-dir';

/** Short enough that the drill's producer rides it out with its own retries (nothing to re-send by hand). */
const DOWN_MS = 3_000;

/**
 * Drill (e): the Kafka broker is stopped mid-stream and started again on the same data directory
 * and port. The drill runs its own single-node broker (the shared one is left alone). Recovery
 * is counted from the stop.
 */
export async function kafkaRestartDrill(): Promise<DrillRun> {
  const { dir: dataDir, remove: removeDataDir } = throwawayDataDir('drill-kafka');
  const port = await findFreePort();
  let broker: KafkaBroker | undefined = await startKafkaBroker({ dataDir, port });
  const t = await createBridgeTestEnv({
    kafkaBrokers: broker.brokers.join(','),
    env: { BRIDGE_SESSION_TIMEOUT_MS: '10000' },
  });
  const worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
  const bridge = await startInProcessBridge(t);
  try {
    return await streamDrill(t, async () => {
      await sleep(3_000);
      const stoppedAt = Date.now();
      await broker!.process.stop();
      broker = undefined;
      await sleep(DOWN_MS);
      broker = await startKafkaBroker({ dataDir, port });
      return stoppedAt;
    });
  } finally {
    await bridge.stop().catch(() => false);
    await worker.stop();
    await t.close();
    await broker?.process.stop();
    removeDataDir();
  }
}
