import { bridgeDepsFromContext, startBridge } from '../bridge/bridge';
import { ConfigError, loadConfig } from '../config';
import { LocalServiceError } from '../local-services/errors';
import { LogFileError } from '../logging/log-files';
import { exitProcess, installExitPath, onExit, whileStartingUp } from './exit-path';
import { createProcessLogger } from './process-logger';
import { openServiceContext } from './service-context';
import { installTemporalRuntime } from './temporal-runtime';

/**
 * `node dist/workers/bridge.js`: the Kafka bridge on its own, one consumer-group member.
 * Run several (same KAFKA_GROUP_ID) to scale out. SIGTERM/SIGINT stop it gracefully: no new
 * fetches, in-flight messages finished and committed, group left; exit 0 (1 if it had to give up).
 * It leaves through the same exit path as `npm start` (exit-path.ts).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger(config, 'mlops-guardian-bridge');
  // Whatever hangs, the process is gone within a bounded time (its offsets stay uncommitted).
  installExitPath(logger, { graceMs: config.bridge.shutdownTimeoutMs + 20_000, cleanStopOnSignal: true });
  installTemporalRuntime(logger);
  const bridge = await whileStartingUp(
    (async () => {
      const ctx = await openServiceContext(config, logger, { headless: true });
      const started = await startBridge(bridgeDepsFromContext(ctx));
      onExit('bridge', () => started.stop());
      return { ctx, started };
    })(),
  );
  bridge.started.done.catch((err: Error) => {
    logger.fatal({ err }, 'Kafka bridge failed');
    exitProcess(1, 'bridge failed');
  });
  logger.info(
    {
      kafka: bridge.ctx.endpoints.kafkaBrokers,
      temporal: bridge.ctx.endpoints.temporalAddress,
      http: bridge.started.http,
    },
    'Kafka bridge is running',
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof LogFileError || err instanceof LocalServiceError) {
    process.stderr.write(`${err.message}\n`);
    exitProcess(2, 'start failed');
    return;
  }
  process.stderr.write(`mlops-guardian bridge failed to start: ${(err as Error).stack ?? String(err)}\n`);
  exitProcess(1, 'start failed');
});
