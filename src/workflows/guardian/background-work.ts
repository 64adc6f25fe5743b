import { log } from '@temporalio/workflow';

/**
 * Work a guardian runs beside its event loop — actions, audit writes, alerts — tracked by id so
 * the run waits for it before continue-as-new and the state query shows it.
 */
export class BackgroundWork {
  readonly running = new Map<string, { action: string; startedAt: number }>();

  /** `onSettled` runs after each piece of work, whatever its outcome. */
  constructor(private readonly onSettled: () => void) {}

  get size(): number {
    return this.running.size;
  }

  track(key: string, action: string, work: () => Promise<void>): void {
    // Keys are unique per decision; a suffix keeps two background tasks of one decision apart.
    let id = key;
    for (let n = 2; this.running.has(id); n++) id = `${key}#${n}`;
    this.running.set(id, { action, startedAt: Date.now() });
    void work()
      .catch((err: unknown) => log.error('guardian background task failed', { id, error: String(err) }))
      .finally(() => {
        this.running.delete(id);
        this.onSettled();
      });
  }
}
