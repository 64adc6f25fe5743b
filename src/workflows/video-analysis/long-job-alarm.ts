/**
 * A timer racing the job: when the job is still running after the threshold, an ALERT goes
 * out and the job carries on. Cancelled when the job ends, so a fast job never alerts.
 */
import { CancellationScope, isCancellation, log, sleep } from '@temporalio/workflow';

export interface LongJobAlarm {
  /** Stops the timer; an alert already being published is allowed to finish. */
  cancel(): void;
}

/** Starts the timer; `raise` runs once if the threshold passes first. */
export function startLongJobAlarm(thresholdMinutes: number, raise: () => Promise<void>): LongJobAlarm {
  const scope = new CancellationScope();
  scope
    .run(async () => {
      await sleep(thresholdMinutes * 60_000);
      // The job may end while the alert is being sent: the alert still goes out.
      await CancellationScope.nonCancellable(raise);
    })
    .catch((err: unknown) => {
      if (!isCancellation(err))
        log.warn('long-running job alert could not be published', { error: String(err) });
    });
  return { cancel: () => scope.cancel() };
}
