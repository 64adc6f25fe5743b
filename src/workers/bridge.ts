import { bridgeDepsFromContext, RunningBridge, startBridge } from '../bridge/bridge';
import { ConfigError, loadConfig } from '../config';
import { LocalServiceError } from '../local-services/errors';
import { createLogger } from '../logger';
import { openServiceContext } from './service-context';
import { installTemporalRuntime } from './temporal-runtime';

/**
 * `node dist/workers/bridge.js`: the Kafka bridge on its own, one consumer-group member.
 * Run several (same KAFKA_GROUP_ID) to scale out. SIGTERM/SIGINT stop it gracefully: no new
 * fetches, in-flight messages finished and committed, group left; exit 0 (1 if it had to give up).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.runtime.logLevel, pretty: config.runtime.logPretty });
  installTemporalRuntime(logger);
  const ctx = await openServiceContext(config, logger, { headless: true });
  let bridge: RunningBridge;
  try {
    bridge = await startBridge(bridgeDepsFromContext(ctx));
  } catch (err) {
    await ctx.close();
    throw err;
  }

  let stopping = false;
  const shutdown = async (why: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'shutting down');
    // Last resort: whatever hangs, the process is gone within a bounded time (its offsets stay uncommitted).
    setTimeout(() => {
      logger.fatal('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.bridge.shutdownTimeoutMs + 20_000).unref();
    const clean = await bridge.stop();
    await ctx.close();
    logger.info({ clean }, 'bridge process exiting');
    process.exit(clean ? exitCode : 1);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  bridge.done.catch((err: Error) => {
    logger.fatal({ err }, 'Kafka bridge failed');
    void shutdown('bridge failed', 1);
  });
  logger.info(
    { kafka: ctx.endpoints.kafkaBrokers, temporal: ctx.endpoints.temporalAddress, http: bridge.http },
    'Kafka bridge is running',
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof LocalServiceError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mlops-guardian bridge failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
