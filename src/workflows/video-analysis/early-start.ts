/**
 * An activity started before the step that needs its result, so its round trip to the worker
 * overlaps other work instead of adding to the job's time. When the job ends before that step
 * (a duplicate, a failure), stop() cancels it and waits until it has stopped, so nothing it
 * writes can outlive the clean-up that follows.
 */
import { CancellationScope } from '@temporalio/workflow';

export interface EarlyStart<T> {
  result: Promise<T>;
  /** Cancels the activity if it still runs, then waits for it to settle; never rejects. */
  stop(): Promise<void>;
}

export function startEarly<T>(run: () => Promise<T>): EarlyStart<T> {
  const scope = new CancellationScope();
  const result = scope.run(run);
  // Awaited by its step (or by stop()); a failure surfaces there, not as an unhandled rejection.
  result.catch(() => undefined);
  return {
    result,
    async stop() {
      scope.cancel();
      await result.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
