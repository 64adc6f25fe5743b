import fs from 'node:fs';
import type { BridgeTestEnv } from '../../test/helpers/bridge-harness';
import { BridgeProcess, spawnBridge } from '../../test/helpers/bridge-process';
import { onExit } from '../../src/workers/exit-path';
import { sleep, streamDrill } from './stream-drill';
import type { DrillRun } from './tally';

/** The bridge entry point as a process of its own, stopped with the drill however the drill ends. */
async function bridgeProcess(t: BridgeTestEnv, name: string): Promise<BridgeProcess> {
  const bridge = await spawnBridge(t, name);
  const forget = onExit(name, async () => void bridge.child.kill('SIGKILL'));
  void bridge.exited.then(forget);
  return bridge;
}

/**
 * Drill (b): the bridge process is killed with SIGKILL mid-stream (no shutdown, no commit) and
 * started again, as a supervisor would. Recovery is counted from the kill. The bridges' logs are
 * removed after a run that returned its figures and kept (their paths in the error) otherwise.
 */
export async function bridgeSigkillDrill(t: BridgeTestEnv): Promise<DrillRun> {
  const first = await bridgeProcess(t, 'drill-bridge');
  let second: BridgeProcess | undefined;
  let finished = false;
  try {
    const run = await streamDrill(t, async () => {
      await sleep(3_000);
      first.child.kill('SIGKILL');
      const killedAt = Date.now();
      await first.exited;
      second = await bridgeProcess(t, 'drill-bridge-restarted');
      return killedAt;
    });
    finished = true;
    return run;
  } catch (err) {
    const logs = [first, second].flatMap((b) => (b ? [b.logFile] : [])).join(', ');
    throw new Error(`${(err as Error).message} (bridge logs: ${logs})`, { cause: err });
  } finally {
    for (const bridge of [first, second]) {
      if (bridge && bridge.child.exitCode === null && bridge.child.signalCode === null) {
        bridge.child.kill('SIGTERM');
        await bridge.exited;
      }
      if (bridge && finished) fs.rmSync(bridge.logFile, { force: true });
    }
  }
}
