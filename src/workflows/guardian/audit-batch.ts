import { log } from '@temporalio/workflow';
import type { DecisionRecord } from '../../contracts/guardian-activities';
import type { DecisionEntry } from '../../contracts/guardian-messages';
import { errorMessage } from '../../domain/error-message';
import { localAudit } from './activities';
import type { BackgroundWork } from './background-work';

interface WaitingRow {
  entry: DecisionEntry;
  record: DecisionRecord;
}

/**
 * The audit rows a guardian produced since its event loop last ran, written by ONE local activity
 * when the loop flushes them: a write per decision cost the Temporal server an activity task and a
 * second workflow task per event, which capped the decision path at a few dozen events a second.
 * Each row is taken as the entry stands when it is added, as a write of its own would have been.
 * Only the event loop flushes, so when and what is written depends on workflow code alone.
 */
export class AuditBatch {
  private waiting: WaitingRow[] = [];

  constructor(
    private readonly modelName: string,
    private readonly onFailure: (rows: number) => void,
  ) {}

  /** Rows not yet handed to a write: the run must not end while there are any. */
  get hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  add(entry: DecisionEntry, record: DecisionRecord): void {
    this.waiting.push({ entry, record });
  }

  /** Hands every waiting row to one local activity, tracked as background work. */
  flush(work: BackgroundWork): void {
    if (this.waiting.length === 0) return;
    const rows = this.waiting;
    this.waiting = [];
    work.track(`audit:${rows[0].entry.id}`, 'audit', () => this.write(rows));
  }

  private async write(rows: WaitingRow[]): Promise<void> {
    const records = rows.map((r) => r.record);
    try {
      await localAudit.recordDecisions.executeWithOptions(
        { summary: `audit: ${records.length} decision(s) from ${records[0].eventId.slice(0, 17)}` },
        [records],
      );
    } catch (err) {
      // Retried for an hour (activities.ts) before it gets here: count every row that was lost.
      this.onFailure(records.length);
      log.error('decisions could not be written to the audit trail', {
        modelName: this.modelName,
        ids: records.map((r) => r.eventId),
        error: errorMessage(err),
      });
    } finally {
      // What was assumed and the extra fields are for the audit row only: the history stays small.
      for (const { entry } of rows) delete entry.input;
    }
  }
}
