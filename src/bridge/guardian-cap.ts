import type { Client } from '@temporalio/client';
import { GUARDIAN_WORKFLOW_TYPE } from '../contracts/workflows';

/** How long a count of running guardians is trusted before Temporal is asked again. */
export const GUARDIAN_COUNT_MAX_AGE_MS = 10_000;

/**
 * GUARDIAN_MAX_ACTIVE: how many guardians may run at once. Consulted only when an event's model
 * has no running guardian, so events of running guardians never pay for it.
 *
 * The count comes from Temporal's visibility store (a count query over the guardians' task
 * queue), not from this process: several bridges share one cap, a restarted bridge knows the
 * guardians started before it, and guardians that ended idle free their place. The count is
 * cached for a few seconds, with the guardians this bridge started since added to it; so the
 * cap is approximate by what other bridges start within that time (and visibility's own lag).
 */
export class GuardianCap {
  private cached?: { running: number; at: number };
  private startedSinceCount = 0;
  private counting?: Promise<number>;

  constructor(
    readonly max: number,
    private readonly countRunning: () => Promise<number>,
    private readonly maxAgeMs = GUARDIAN_COUNT_MAX_AGE_MS,
  ) {}

  /** How many guardians run, as far as this bridge knows; throws when Temporal cannot say. */
  async running(): Promise<number> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= this.maxAgeMs) {
      // One count at a time: a burst of new models waits for the same answer.
      this.counting ??= this.countRunning().finally(() => (this.counting = undefined));
      const running = await this.counting;
      if (!this.cached || this.cached.at <= now) {
        this.cached = { running, at: now };
        this.startedSinceCount = 0;
      }
    }
    return this.cached.running + this.startedSinceCount;
  }

  /** Whether one more guardian may start now. */
  async allowsAnother(): Promise<boolean> {
    return (await this.running()) < this.max;
  }

  /** This bridge started a guardian: counted until the next count includes it. */
  started(): void {
    this.startedSinceCount++;
  }
}

/** A visibility query literal: the task queue name quoted, its quotes and backslashes escaped. */
function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The cap over the guardians running on `taskQueue`, counted by Temporal's visibility store. */
export function createGuardianCap(client: Client, taskQueue: string, max: number): GuardianCap {
  const query = `WorkflowType = ${quoted(GUARDIAN_WORKFLOW_TYPE)} AND ExecutionStatus = 'Running' AND TaskQueue = ${quoted(taskQueue)}`;
  return new GuardianCap(max, async () => (await client.workflow.count(query)).count);
}
