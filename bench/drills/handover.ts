import { startInProcessBridge, type BridgeTestEnv } from '../../test/helpers/bridge-harness';
import { sleep, streamDrill } from './stream-drill';
import type { DrillRun } from './tally';

/**
 * Drill (a): the consumer group grows from 2 to 3 bridges and shrinks to 1 while events flow;
 * every partition changes hands at least once. Recovery is counted from the last leave.
 */
export async function handoverDrill(t: BridgeTestEnv): Promise<DrillRun> {
  const bridges = [await startInProcessBridge(t), await startInProcessBridge(t)];
  try {
    return await streamDrill(t, async () => {
      await sleep(3_000);
      bridges.push(await startInProcessBridge(t));
      await sleep(5_000);
      for (const bridge of bridges.splice(0, 2)) await bridge.stop();
      return Date.now();
    });
  } finally {
    for (const bridge of bridges) await bridge.stop().catch(() => false);
  }
}
