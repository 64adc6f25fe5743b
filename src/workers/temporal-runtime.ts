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
 * suppresses during replay) into our pino logger. Once per process, before any worker.
 */
export function installTemporalRuntime(logger: Logger): void {
  const temporalLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      temporalLogger[LEVELS[entry.level]]({ ...entry.meta }, entry.message);
    }),
  });
}
