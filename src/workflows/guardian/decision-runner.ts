import { log, startChild, workflowInfo } from '@temporalio/workflow';
import type { ActionOutcome, DecisionEntry, GuardianCarriedState } from '../../contracts/guardian-messages';
import { errorMessage } from '../../domain/error-message';
import { audit } from './activities';
import { BackgroundWork } from './background-work';
import { BatchedWrites } from './batched-writes';
import { auditRecordOf } from './decision-entries';
import { appendToHistory } from './history';
import { modelRetrainWorkflow } from './retrain-workflow';
import { type ActionRequest, carryOut, sendAlertSafely } from './run-action';
import { guardianAlertTitle } from '../../domain/alerting/guardian-alert-titles';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What happens to a guardian's decision once it is taken: it enters the history, its action
 * runs in the background (RETRAIN as a child workflow that outlives the run), and its final
 * state is written to the audit trail. The guardian decides; this carries out and records.
 */
export class DecisionRunner {
  private readonly work: BackgroundWork;
  /** Audit rows and drift alerts written in batches; absent in runs begun before the patch. */
  private readonly batched?: BatchedWrites;

  constructor(
    private readonly modelName: string,
    private readonly state: GuardianCarriedState,
    onSettled: () => void,
    batchedWrites: boolean,
    /** A shard's writes, shared by all its models (always batched). */
    sharedWrites?: BatchedWrites,
  ) {
    this.work = new BackgroundWork(onSettled);
    if (sharedWrites) this.batched = sharedWrites;
    else if (batchedWrites) this.batched = new BatchedWrites(modelName, () => state.counters, this.work);
  }

  /** No action, alert or audit write in flight or waiting: safe to continue-as-new. */
  isIdle(): boolean {
    return this.work.size === 0 && (this.batched?.isEmpty ?? true);
  }

  /** Audit rows or drift alerts wait for a write: the event loop should call `flushWrites`. */
  get wantsFlush(): boolean {
    return this.batched?.wantsFlush ?? false;
  }

  /** Starts the batched writes of whatever waits (one activity per kind at a time). */
  flushWrites(): void {
    this.batched?.flush();
  }

  /** Background work of this run, by id (the state query shows it). */
  get running() {
    return this.work.running;
  }

  /** Puts a new entry in the history with its final status and writes it to the audit trail. */
  finish(entry: DecisionEntry, update: Partial<DecisionEntry>): void {
    Object.assign(entry, update);
    appendToHistory(this.state.history, entry);
    this.recordAudit(entry);
  }

  private recordAudit(entry: DecisionEntry): void {
    if (this.batched) {
      this.batched.addAuditRow(auditRecordOf(this.modelName, entry, this.state.settings.dryRun));
      // What was assumed and the extra fields are for the audit row only: the history stays small.
      delete entry.input;
      return;
    }
    this.work.track(`audit:${entry.id}`, 'audit', () => this.writeAudit(entry));
  }

  /** Runs the action in the background; the history shows it running, then its outcome. */
  launch(entry: DecisionEntry, request: ActionRequest): void {
    entry.status = 'running';
    appendToHistory(this.state.history, entry);
    if (request.action === 'RETRAIN') return this.startRetrain(entry, request);
    this.work.track(entry.id, request.action, async () => this.settle(entry, await carryOut(request)));
  }

  /** Training takes hours: it runs as a child workflow that outlives this run and reports back. */
  private startRetrain(entry: DecisionEntry, request: ActionRequest): void {
    const guardianWorkflowId = workflowInfo().workflowId;
    const workflowId = `${guardianWorkflowId}/retrain/${entry.id}`;
    this.state.runningRetrains[entry.id] = { workflowId, startedAt: Date.now(), entry: { ...entry } };
    this.work.track(`start:${entry.id}`, 'RETRAIN', async () => {
      try {
        await startChild(modelRetrainWorkflow, {
          workflowId,
          args: [{ guardianWorkflowId, request, evaluation: this.state.settings.evaluation }],
          parentClosePolicy: 'ABANDON',
          staticSummary: `RETRAIN ${this.modelName} (${request.priority} priority) for decision ${entry.id}`,
        });
      } catch (err) {
        delete this.state.runningRetrains[entry.id];
        const message = `the retrain workflow could not start: ${errorMessage(err)}`;
        const alert = await sendAlertSafely({
          alertId: `${entry.id}:failure`,
          modelName: this.modelName,
          title: guardianAlertTitle.failure(this.modelName, 'RETRAIN'),
          message: `${message}\nDecision: ${request.reason}`,
          priority: 'high',
          time: iso(Date.now()),
          sourceEvent: request.sourceEvent,
        });
        this.settle(entry, {
          id: entry.id,
          status: 'failed',
          result: `${message}; ${alert.ok ? 'failure alert sent' : `failure alert could not be sent: ${alert.error}`}`,
        });
      }
    });
  }

  settle(entry: DecisionEntry, outcome: ActionOutcome): void {
    entry.status = outcome.status;
    entry.executed = outcome.status === 'succeeded';
    entry.result = outcome.result;
    if (outcome.status === 'failed') {
      this.state.counters.failedActions++;
      log.warn('guardian action failed', {
        modelName: this.modelName,
        id: entry.id,
        action: entry.action,
        result: outcome.result,
      });
    }
    this.recordAudit(entry);
  }

  /** The drift alert of a decision: batched with the other drift alerts of this turn. */
  sendDriftAlert(eventId: string, alert: Parameters<typeof sendAlertSafely>[0]): void {
    if (this.batched) return this.batched.addDriftAlert(alert);
    this.sendInBackground(`drift-alert:${eventId}`, 'drift alert', alert);
  }

  /** Runs other work beside the event loop (a signal to a child), tracked like actions and alerts. */
  inBackground(key: string, what: string, work: () => Promise<void>): void {
    this.work.track(key, what, work);
  }

  /** Sends an alert beside the decision; a failure is counted and logged, never thrown. */
  sendInBackground(key: string, what: string, alert: Parameters<typeof sendAlertSafely>[0]): void {
    this.work.track(key, what, async () => {
      const result = await sendAlertSafely(alert);
      if (!result.ok) {
        this.state.counters.failedActions++;
        log.warn(`${what} could not be sent`, {
          modelName: this.modelName,
          alertId: alert.alertId,
          error: result.error,
        });
      }
    });
  }

  private async writeAudit(entry: DecisionEntry): Promise<void> {
    const record = auditRecordOf(this.modelName, entry, this.state.settings.dryRun);
    try {
      await audit.recordDecision.executeWithOptions(
        { summary: `audit: ${entry.action} ${entry.status} (${entry.id.slice(0, 17)})` },
        [record],
      );
    } catch (err) {
      this.state.counters.auditWriteFailures++;
      log.error('decision could not be written to the audit trail', {
        modelName: this.modelName,
        id: entry.id,
        error: errorMessage(err),
      });
    } finally {
      // What was assumed and the extra fields are for the audit row only: the history stays small.
      delete entry.input;
    }
  }
}
