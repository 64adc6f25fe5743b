import { setTimeout as sleep } from 'node:timers/promises';

/** Waits ms, or rejects with the signal's reason as soon as it is aborted. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason ?? err;
    throw err;
  }
}
