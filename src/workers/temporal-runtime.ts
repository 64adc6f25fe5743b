import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '../logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's logs (including workflow.log from workflow code, which the SDK
 * suppresses during replay) into our pino logger, and serves the SDK's own metrics for Prometheus
 * when `metricsAddress` is given (TEMPORAL_METRICS_ADDRESS). Once per process, before any worker.
 */
export function installTemporalRuntime(logger: Logger, metricsAddress?: string): void {
  const temporalLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    // `temporal_` prefixed series; histograms in milliseconds, as Prometheus rules usually expect.
    telemetryOptions: metricsAddress
      ? { metrics: { prometheus: { bindAddress: metricsAddress, useSecondsForDurations: false } } }
      : undefined,
    logger: new DefaultLogger('INFO', (entry) => {
      temporalLogger[LEVELS[entry.level]]({ ...entry.meta }, entry.message);
    }),
  });
}
