import { findFreePort } from '../../src/local-services/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/local-services/temporal-dev-server';
import {
  createBridgeTestEnv,
  startFixtureWorker,
  startInProcessBridge,
} from '../../test/helpers/bridge-harness';
import { sleep, streamDrill } from './stream-drill';
import type { DrillRun } from './tally';
import { throwawayDataDir } from './throwaway-dir';

/** Long enough that the bridge's calls fail and its partitions pause, as in a real restart. */
const DOWN_MS = 5_000;

/**
 * Drill (d): the Temporal dev server is stopped mid-stream and started again on the same SQLite
 * file and port, so guardians and their history survive. The drill runs its own server (the
 * shared one serves the drill's own bookkeeping). Recovery is counted from the stop.
 */
export async function temporalRestartDrill(): Promise<DrillRun> {
  const { dir: dataDir, remove: removeDataDir } = throwawayDataDir('drill-temporal');
  const port = await findFreePort();
  let server: TemporalDevServer | undefined = await startTemporalDevServer({ dataDir, port, headless: true });
  const t = await createBridgeTestEnv({ temporalAddress: server.address });
  let worker: { stop(): Promise<void> } | undefined = await startFixtureWorker(server.address, t.taskQueue);
  const bridge = await startInProcessBridge(t);
  try {
    return await streamDrill(t, async () => {
      await sleep(3_000);
      await worker!.stop();
      worker = undefined;
      const stoppedAt = Date.now();
      await server!.process.stop();
      server = undefined;
      await sleep(DOWN_MS);
      server = await startTemporalDevServer({ dataDir, port, headless: true });
      worker = await startFixtureWorker(server.address, t.taskQueue);
      return stoppedAt;
    });
  } finally {
    await bridge.stop().catch(() => false);
    await worker?.stop();
    await t.close();
    await server?.process.stop();
    removeDataDir();
  }
}
