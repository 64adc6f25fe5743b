// The worker process of the decision benchmark: the production worker (src/workers/worker.ts)
// with the real guardian workflows and activities on local backends. Worker options to try
// (maxCachedWorkflows, slots, pollers) come as JSON in BENCH_DECISION_WORKER_OPTIONS.
import type { WorkerOptions } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openServiceContext } from '../../src/workers/service-context';
import { installTemporalRuntime } from '../../src/workers/temporal-runtime';
import { startWorker } from '../../src/workers/worker';
import { endWithParent, serveBenchParent } from '../lib/bench-child-side';

async function main(): Promise<void> {
  // Gone with the benchmark, however it ends: nothing else would stop this process.
  endWithParent();
  const config = loadConfig();
  const logger = createLogger({ level: config.runtime.logLevel, pretty: false });
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  const ctx = await openServiceContext(config, logger, { headless: true });
  const overrides = JSON.parse(process.env.BENCH_DECISION_WORKER_OPTIONS ?? '{}') as Partial<WorkerOptions>;
  const worker = await startWorker(ctx, overrides);
  serveBenchParent(async () => {
    await worker.shutdown();
    await ctx.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
