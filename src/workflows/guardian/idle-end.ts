import { allHandlersFinished, sleep } from '@temporalio/workflow';
import type { GuardianCarriedState } from '../../contracts/guardian-messages';
import {
  activeCooldowns,
  FREQUENCY_LIMIT,
  pruneResponses,
  resolveGuardianSettings,
} from '../../domain/policy';
import type { GuardianSettingsInput } from '../../domain/policy/settings';

/**
 * Workflow patch: a guardian with nothing to do for GUARDIAN_IDLE_MINUTES ends (completes), and a
 * guardian that starts without carried state rebuilds its memory from the audit trail (recall.ts).
 * Runs begun before it never end idle and start empty, as they did.
 */
export const IDLE_END_AND_RECALL_PATCH = 'guardian-idle-end-and-recall';

const MINUTE_MS = 60_000;

/**
 * When a guardian may end because nothing happens: one guardian per model name would otherwise
 * live forever, and names come from producers. It ends only when ending loses nothing: no event
 * queued, no action, alert or audit write in flight, no retrain running or waiting for the
 * maintenance window, no promotion under watch, no approval request waiting, not paused, and its settings still those it was started with (a pause or
 * an operator's settings live only in the workflow). Running cooldowns do not keep it: the next
 * run rebuilds them from the audit trail, unless an audit write failed, in which case it waits
 * until they (and the frequency window) have run out.
 */
export class IdleEnd {
  private readonly idleMs: number;
  /** Workflow time the guardian was last seen busy (the run's start, at first). */
  private busyAt = Date.now();
  /** The loop went to sleep while busy: it must wake once quiet to start the idle clock. */
  private sleptBusy = false;
  private timerArmed = false;
  private timerRang = false;
  private readonly startSettings?: string;

  constructor(
    idleMinutes: number | undefined,
    startSettings: GuardianSettingsInput | undefined,
    private readonly state: GuardianCarriedState,
    private readonly runnerIdle: () => boolean,
  ) {
    // Anything but a positive number (absent, 0, a bad start input) means: never end.
    this.idleMs =
      typeof idleMinutes === 'number' && Number.isFinite(idleMinutes) && idleMinutes > 0
        ? idleMinutes * MINUTE_MS
        : 0;
    try {
      this.startSettings = JSON.stringify(resolveGuardianSettings(startSettings ?? {}));
    } catch {
      // Start settings that do not validate leave the guardian paused: it never ends idle anyway.
    }
  }

  /**
   * Starts a timer for the deadline unless one runs: one timer per idle period, not one per event
   * (each is history and work for the server). One that rings early is armed again.
   */
  arm(): void {
    if (this.timerArmed) return;
    const deadline = this.deadline();
    if (deadline === undefined) return;
    this.timerArmed = true;
    void sleep(Math.max(deadline - Date.now(), 1)).then(() => {
      this.timerArmed = false;
      this.timerRang = true;
    });
  }

  /** For the loop's wake condition: the timer rang, or it slept while busy and is quiet now. */
  wantsLook(): boolean {
    return this.timerRang || (this.sleptBusy && this.isQuiet());
  }

  /** Epoch ms the guardian ends at if nothing happens before; undefined while it must not end. */
  deadline(): number | undefined {
    if (this.idleMs === 0) return undefined;
    if (!this.isQuiet()) {
      this.busyAt = Date.now();
      this.sleptBusy = true;
      return undefined;
    }
    this.sleptBusy = false;
    const { history } = this.state;
    const lastDecision = history.length > 0 ? Date.parse(history[history.length - 1].decidedAt) : 0;
    const idleFrom = Math.max(this.busyAt, Number.isFinite(lastDecision) ? lastDecision : 0);
    return Math.max(idleFrom + this.idleMs, this.memoryOnlyHereUntil());
  }

  /** Its deadline has come and it is still quiet: the run may end. */
  isDue(): boolean {
    this.timerRang = false;
    const deadline = this.deadline();
    return deadline !== undefined && Date.now() >= deadline;
  }

  private isQuiet(): boolean {
    const { state } = this;
    return (
      state.queuedEvents.length === 0 &&
      this.runnerIdle() &&
      allHandlersFinished() &&
      state.policy.pendingRetrain === undefined &&
      // A watch after promotion lives only in the workflow: the guardian waits it out.
      state.policy.promotionWatch === undefined &&
      (state.pendingApprovals?.length ?? 0) === 0 &&
      Object.keys(state.runningRetrains).length === 0 &&
      state.paused === null &&
      JSON.stringify(state.settings) === this.startSettings
    );
  }

  /**
   * After a lost audit write the trail cannot rebuild the memory: the guardian keeps it until its
   * last cooldown and the frequency window have run out.
   */
  private memoryOnlyHereUntil(): number {
    if (this.state.counters.auditWriteFailures === 0) return 0;
    const now = Date.now();
    const ends = [
      ...Object.values(activeCooldowns(this.state.policy.cooldowns, now)).map((c) => c.until),
      ...pruneResponses(this.state.policy.recentResponses, now).map((r) => r.at + FREQUENCY_LIMIT.windowMs),
    ];
    return Math.max(0, ...ends);
  }
}
