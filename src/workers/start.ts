import { bridgeDepsFromContext, startBridge } from '../bridge/bridge';
import { Config, ConfigError, loadConfig } from '../config';
import { LocalServiceError } from '../local-services/errors';
import { LogFileError } from '../logging/log-files';
import type { Logger } from '../logger';
import { exitProcess, installExitPath, onExit, whileStartingUp } from './exit-path';
import { createProcessLogger } from './process-logger';
import { installReportSchedule } from './report-schedule';
import { openServiceContext, ServiceContext } from './service-context';
import { installTemporalRuntime } from './temporal-runtime';
import { startWorker } from './worker';
import { startWorkerHttpServer } from './worker-http-server';
import { processVideoMetrics } from '../activities/video/metrics';
import { processWorkerMetrics } from '../metrics/worker-metrics';

/**
 * `npm start`: the product's roles (WORKER_ROLES, default all) in one process — the Temporal
 * workers of their task queues, the Kafka bridge and the daily report schedule — on local
 * services it starts itself unless configured.
 *
 * SIGINT, SIGTERM and SIGHUP stop it cleanly (exit status 130, 143, 129); a second one while
 * stopping, or a crash, exits at once and the local services are still stopped (exit-path.ts).
 */
async function startEverything(config: Config, logger: Logger): Promise<ServiceContext> {
  const ctx = await openServiceContext(config, logger);
  const roles = config.roles.roles;
  const runsWorkers = roles.some((role) => role !== 'bridge');
  const worker = runsWorkers ? await startWorker(ctx, {}, roles) : undefined;
  if (worker) {
    logger.info({ roles, task_queues: worker.taskQueues }, 'Temporal workers polling');
    onExit('worker', () => worker.shutdown());
    worker.done.catch((err: Error) => {
      logger.fatal({ err }, 'Temporal worker failed');
      exitProcess(1, 'worker failed');
    });
  }
  // A bridge-only process has the bridge's own /healthz and /metrics.
  if (worker && config.worker.httpEnabled) {
    const http = await startWorkerHttpServer({
      host: config.worker.httpHost,
      port: config.worker.httpPort,
      logger: logger.child({ component: 'worker-http' }),
      workerMetrics: processWorkerMetrics,
      videoMetrics: processVideoMetrics,
      pool: ctx.pool,
      video: config.video,
      workerState: () => worker.getState(),
    });
    // Closed before the worker drains (steps run newest first): nothing waits on a scrape.
    onExit('worker-http', () => http.close());
  }
  // Idempotent: every process with the report role may create or update it.
  if (roles.includes('report'))
    await installReportSchedule(ctx.temporal.client, config, logger.child({ component: 'report-schedule' }));
  if (roles.includes('bridge') && config.bridge.enabled) {
    // After the worker, so the first signals find it polling; stopped first (steps run newest first).
    const bridge = await startBridge(bridgeDepsFromContext(ctx));
    onExit('bridge', () => bridge.stop().then(() => undefined));
    bridge.done.catch((err: Error) => {
      logger.fatal({ err }, 'Kafka bridge failed');
      exitProcess(1, 'bridge failed');
    });
  }
  return ctx;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger(config, 'mlops-guardian');
  // Signals are taken from the first moment: a stop asked for while local services are still
  // starting waits for start-up to settle, so nothing we started is left running.
  installExitPath(logger);
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  let ctx: ServiceContext;
  try {
    ctx = await whileStartingUp(startEverything(config, logger));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof LocalServiceError) {
      process.stderr.write(`${err.message}\n`);
      exitProcess(2, 'start failed');
    } else {
      process.stderr.write(`mlops-guardian failed to start: ${(err as Error).stack ?? String(err)}\n`);
      exitProcess(1, 'start failed');
    }
    return;
  }

  const ui = ctx.endpoints.temporalUiUrl ?? '(configured Temporal server: open its own Web UI)';
  logger.info(
    { temporal: ctx.endpoints.temporalAddress, kafka: ctx.endpoints.kafkaBrokers, webUi: ui },
    'mlops-guardian is running',
  );
  process.stdout.write(`\nTemporal Web UI: ${ui}\nPress Ctrl-C to stop.\n\n`);
}

main().catch((err: unknown) => {
  // Configuration errors (before the logger exists: loadConfig, LOG_FILE_DIR) are the person's to fix: no stack.
  const theirs = err instanceof ConfigError || err instanceof LogFileError;
  process.stderr.write(`${theirs ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(2);
});
