// The worker process of the decision benchmark: the production worker (src/workers/worker.ts)
// with the real guardian workflows and activities on local backends. Worker options to try
// (maxCachedWorkflows, slots, pollers) come as JSON in BENCH_DECISION_WORKER_OPTIONS.
import type { WorkerOptions } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openServiceContext } from '../../src/workers/service-context';
import { installTemporalRuntime } from '../../src/workers/temporal-runtime';
import { startWorker } from '../../src/workers/worker';
import { peakRssMiB } from '../lib/results';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.runtime.logLevel, pretty: false });
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  const ctx = await openServiceContext(config, logger, { headless: true });
  const overrides = JSON.parse(process.env.BENCH_DECISION_WORKER_OPTIONS ?? '{}') as Partial<WorkerOptions>;
  const worker = await startWorker(ctx, overrides);
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    void (async () => {
      await worker.shutdown();
      await ctx.close();
      process.send!({ type: 'stopped', peakRssMiB: peakRssMiB() }, () => process.exit(0));
    })();
  });
  process.send!({ type: 'ready' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
