import { bridgeDepsFromContext, startBridge } from '../bridge/bridge';
import { ConfigError, loadConfig } from '../config';
import { LocalServiceError } from '../local-services/errors';
import { createLogger } from '../logger';
import { installReportSchedule } from './report-schedule';
import { openServiceContext, ServiceContext } from './service-context';
import { installTemporalRuntime } from './temporal-runtime';
import { startWorker } from './worker';

interface Part {
  name: string;
  stop(): Promise<void>;
}

/**
 * `npm start`: the whole product in one process — the Temporal worker, the Kafka bridge and
 * the daily report schedule — on local services it starts itself unless configured.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.runtime.logLevel, pretty: config.runtime.logPretty });
  installTemporalRuntime(logger, config.temporal.metricsAddress);

  // Signals are taken from the first moment: a stop asked for while local services are still
  // starting waits for start-up to finish, so nothing we started is left running.
  let starting = true;
  let stopRequested: string | undefined;
  const onSignal = (signal: string) => {
    if (starting) {
      stopRequested = signal;
      logger.info({ signal }, 'stop requested during start-up: stopping once start-up has finished');
      return;
    }
    void stop(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const ctx: ServiceContext = await openServiceContext(config, logger);
  const parts: Part[] = [];
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'shutting down');
    for (const part of parts.reverse()) {
      await part.stop().catch((err: Error) => logger.error({ part: part.name, err }, 'stop failed'));
    }
    await ctx.close();
    logger.info('stopped');
  };

  try {
    const worker = await startWorker(ctx);
    parts.push({ name: 'worker', stop: () => worker.shutdown() });
    worker.done.catch(async (err: Error) => {
      logger.fatal({ err }, 'Temporal worker failed');
      await stop('worker failed');
      process.exit(1);
    });
    await installReportSchedule(ctx.temporal.client, config, logger.child({ component: 'report-schedule' }));
    if (config.bridge.enabled) {
      // After the worker, so the first signals find it polling; stopped first (parts stop in reverse).
      const bridge = await startBridge(bridgeDepsFromContext(ctx));
      parts.push({ name: 'bridge', stop: () => bridge.stop().then(() => undefined) });
      bridge.done.catch(async (err: Error) => {
        logger.fatal({ err }, 'Kafka bridge failed');
        await stop('bridge failed');
        process.exit(1);
      });
    }
  } catch (err) {
    await stop('start failed');
    throw err;
  } finally {
    starting = false;
  }
  if (stopRequested) {
    await stop(stopRequested);
    process.exit(0);
  }

  const ui = ctx.endpoints.temporalUiUrl ?? '(configured Temporal server: open its own Web UI)';
  logger.info(
    { temporal: ctx.endpoints.temporalAddress, kafka: ctx.endpoints.kafkaBrokers, webUi: ui },
    'mlops-guardian is running',
  );
  process.stdout.write(`\nTemporal Web UI: ${ui}\nPress Ctrl-C to stop.\n\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof LocalServiceError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mlops-guardian failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
