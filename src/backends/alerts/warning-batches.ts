import { errorMessage } from '../../domain/error-message';
import type { Logger } from '../../logger';
import type { AlertSender } from './alert-sender';

export interface WarningBatches {
  /** Stops the timer and waits for a batch being sent. */
  stop(): Promise<void>;
}

/**
 * Sends the waiting warnings every ALERT_WARNING_BATCH_SECONDS, and forgets alarms older than
 * ALARM_RETENTION_DAYS. Every worker runs one; the table hands each warning to one of them. A failed flush (PostgreSQL away) is logged and the warnings
 * wait for the next tick: they are in the table, not in this process.
 */
export function startWarningBatches(
  sender: AlertSender,
  intervalMs: number,
  logger: Logger,
  groupTickMs?: number,
): WarningBatches {
  let running: Promise<unknown> = Promise.resolve();
  let groups: Promise<unknown> = Promise.resolve();
  let groupsBusy = false;
  // Groups of critical alarms are due seconds apart, so they have a faster tick of their own.
  const groupTimer = groupTickMs
    ? setInterval(() => {
        if (groupsBusy) return;
        groupsBusy = true;
        groups = sender
          .flushGroups()
          .catch((err: unknown) =>
            logger.warn({ err: errorMessage(err) }, 'alarm group not sent; trying next tick'),
          )
          .finally(() => (groupsBusy = false));
      }, groupTickMs)
    : undefined;
  groupTimer?.unref();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = sender
      .flushWarnings()
      .then(() => sender.prune())
      .catch((err: unknown) =>
        logger.warn({ err: errorMessage(err) }, 'warning batch not sent; trying next interval'),
      )
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      if (groupTimer) clearInterval(groupTimer);
      await Promise.all([running, groups]);
    },
  };
}
