// The bridge process of the benchmark: the production bridge (same code path as
// src/workers/bridge.ts) plus a hook that reports produce → accepted latencies to the parent.
import { bridgeDepsFromContext, startBridge } from '../../src/bridge/bridge';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openServiceContext } from '../../src/workers/service-context';
import { installTemporalRuntime } from '../../src/workers/temporal-runtime';
import { endWithParent, serveBenchParent } from '../lib/bench-child-side';

async function main(): Promise<void> {
  // Gone with the benchmark, however it ends: nothing else would stop this process.
  endWithParent();
  const config = loadConfig();
  const logger = createLogger({ level: config.runtime.logLevel, pretty: false });
  installTemporalRuntime(logger);
  const ctx = await openServiceContext(config, logger, { headless: true });
  let pending: number[] = [];
  const bridge = await startBridge(bridgeDepsFromContext(ctx), {
    onDelivered: (s) => {
      const { producedAtMs, receivedAtMs } = s.origin;
      if (producedAtMs !== undefined && receivedAtMs !== undefined)
        pending.push(producedAtMs, receivedAtMs, s.callStartedAtMs, s.acceptedAtMs);
    },
  });
  const flush = setInterval(() => {
    if (pending.length === 0) return;
    process.send!({ type: 'samples', timestamps: pending });
    pending = [];
  }, 200);
  serveBenchParent(
    async () => {
      clearInterval(flush);
      if (pending.length) process.send!({ type: 'samples', timestamps: pending });
      const metrics = bridge.metrics.registry.render();
      const clean = await bridge.stop();
      await ctx.close();
      return { clean, metrics };
    },
    { http: bridge.http },
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
