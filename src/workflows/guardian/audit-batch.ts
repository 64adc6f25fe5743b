import { log } from '@temporalio/workflow';
import type { DecisionRecord } from '../../contracts/guardian-activities';
import type { DecisionEntry, GuardianCarriedState } from '../../contracts/guardian-messages';
import { errorMessage } from '../../domain/error-message';
import { audit } from './activities';
import type { BackgroundWork } from './background-work';
import { auditRecordOf } from './decision-entries';

/**
 * The audit rows a guardian produces while it handles one workflow task (a batch of events, the
 * outcomes of finished actions), written by ONE activity once the task's synchronous work is
 * done: a row per event would cost the Temporal server an activity and a workflow task per event.
 * Each row is taken as the entry stands when it is added, as a write of its own would have been.
 */
export class AuditBatch {
  private pending: Array<{ entry: DecisionEntry; record: DecisionRecord }> = [];

  constructor(
    private readonly modelName: string,
    private readonly state: GuardianCarriedState,
    private readonly work: BackgroundWork,
  ) {}

  /** Rows waiting for the end of this task's work: the run must not end before they are written. */
  get isEmpty(): boolean {
    return this.pending.length === 0;
  }

  add(entry: DecisionEntry): void {
    const record = auditRecordOf(this.modelName, entry, this.state.settings.dryRun);
    this.pending.push({ entry, record });
    // A microtask runs after the code that handles this activation's jobs, so everything decided
    // in it joins the batch; replay runs the same microtasks in the same order.
    if (this.pending.length === 1) void Promise.resolve().then(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const first = batch[0].entry.id;
    this.work.track(`audit:${first}`, 'audit', () => this.write(batch));
  }

  private async write(batch: Array<{ entry: DecisionEntry; record: DecisionRecord }>): Promise<void> {
    const records = batch.map((b) => b.record);
    try {
      await audit.recordDecisions.executeWithOptions(
        { summary: `audit: ${records.length} decision(s) from ${records[0].eventId.slice(0, 17)}` },
        [records],
      );
    } catch (err) {
      // Retried for an hour (activities.ts) before it gets here: count every row that was lost.
      this.state.counters.auditWriteFailures += records.length;
      log.error('decisions could not be written to the audit trail', {
        modelName: this.modelName,
        ids: records.map((r) => r.eventId),
        error: errorMessage(err),
      });
    } finally {
      // What was assumed and the extra fields are for the audit row only: the history stays small.
      for (const { entry } of batch) delete entry.input;
    }
  }
}
