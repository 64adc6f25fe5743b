import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import type { AlertRequest, DecisionRecord, FailedAlert } from '../../contracts/guardian-activities';
import type { GuardianCounters } from '../../contracts/guardian-messages';
import { errorMessage } from '../../domain/error-message';
import { activeTraceContext, inTraceContext } from '../tracing/event-traces';
import { alerts, audit } from './activities';
import type { BackgroundWork } from './background-work';
import { WriteQueue } from './write-queue';

/**
 * Workflow patch: audit rows and drift alerts are written one activity per batch (WriteQueue)
 * instead of one activity each. Runs begun before it keep writing one at a time until their
 * next continue-as-new.
 */
export const BATCHED_WRITES_PATCH = 'guardian-batched-writes';

/** Audit rows per write: one INSERT; a few hundred rows stay far below Temporal's payload limits. */
const AUDIT_ROWS_PER_WRITE = 200;
/** Drift alerts per write: each one is a ledger check and a delivery per channel. */
const ALERTS_PER_WRITE = 50;
/** Serialized bytes per write, far below the 2 MiB payload and 4 MiB request limits. */
const BYTES_PER_WRITE = 256 * 1024;

/**
 * The guardian's two batched writes: the audit trail and the drift alerts. A shard shares one
 * between all its models, so a turn that decided events of many models writes them in one go.
 */
export class BatchedWrites {
  private readonly auditRows: WriteQueue<DecisionRecord>;
  private readonly driftAlerts: WriteQueue<AlertRequest>;
  /**
   * The trace context each item was added in (only for traced events): a batch's activity is
   * started in its first item's, so that event's trace shows the write.
   */
  private readonly traces = new Map<string, unknown>();

  constructor(
    /** The model, or the shard, whose writes these are (for the log). */
    private readonly modelName: string,
    /** Where a model's lost writes are counted (its guardian's counters). */
    private readonly countersOf: (modelName: string) => GuardianCounters | undefined,
    work: BackgroundWork,
    /** Writes of each kind in flight at once (WriteQueueOptions.maxInFlight). */
    maxInFlight = 1,
  ) {
    this.auditRows = new WriteQueue(work, {
      what: 'audit',
      keyOf: (record) => `audit:${record.eventId}`,
      write: (records) => this.writeAudit(records),
      maxItems: AUDIT_ROWS_PER_WRITE,
      maxBytes: BYTES_PER_WRITE,
      maxInFlight,
    });
    this.driftAlerts = new WriteQueue(work, {
      what: 'drift alert',
      keyOf: (alert) => `drift-alerts:${alert.alertId}`,
      write: (requests) => this.sendAlerts(requests),
      maxItems: ALERTS_PER_WRITE,
      maxBytes: BYTES_PER_WRITE,
      maxInFlight,
    });
  }

  /** Nothing waits to be written and no write is in flight. */
  get isEmpty(): boolean {
    return this.auditRows.isEmpty && this.driftAlerts.isEmpty;
  }

  /** Something waits and nothing of its kind is being written: the event loop should flush. */
  get wantsFlush(): boolean {
    return this.auditRows.wantsFlush || this.driftAlerts.wantsFlush;
  }

  addAuditRow(record: DecisionRecord): void {
    this.rememberTrace(`audit:${record.eventId}`);
    this.auditRows.add(record);
  }

  addDriftAlert(alert: AlertRequest): void {
    this.rememberTrace(`alert:${alert.alertId}`);
    this.driftAlerts.add(alert);
  }

  private rememberTrace(key: string): void {
    const trace = activeTraceContext();
    if (trace !== undefined) this.traces.set(key, trace);
  }

  /** Starts a batch's activity in its first item's trace, and forgets the batch's traces. */
  private inTraceOf<T>(keys: string[], start: () => T): T {
    const trace = this.traces.get(keys[0]);
    for (const key of keys) this.traces.delete(key);
    return inTraceContext(trace, start);
  }

  flush(): void {
    this.auditRows.flush();
    this.driftAlerts.flush();
  }

  private async writeAudit(records: DecisionRecord[]): Promise<void> {
    try {
      await this.inTraceOf(
        records.map((r) => `audit:${r.eventId}`),
        () =>
          audit.recordDecisions.executeWithOptions(
            { summary: `audit: ${records.length} decision(s) from ${records[0].eventId.slice(0, 17)}` },
            [records],
          ),
      );
    } catch (err) {
      // Retried for an hour (activities.ts) before it gets here: every row of the batch is lost.
      for (const record of records) {
        const counters = this.countersOf(record.modelName);
        if (counters) counters.auditWriteFailures++;
      }
      log.error('decisions could not be written to the audit trail', {
        modelName: this.modelName,
        ids: records.map((r) => r.eventId),
        error: errorMessage(err),
      });
    }
  }

  private async sendAlerts(requests: AlertRequest[]): Promise<void> {
    try {
      await this.inTraceOf(
        requests.map((r) => `alert:${r.alertId}`),
        () =>
          alerts.sendAlerts.executeWithOptions(
            { summary: `ALERT ${requests.length} drift alert(s) from ${requests[0].alertId.slice(0, 17)}` },
            [requests],
          ),
      );
    } catch (err) {
      const failed =
        failedAlertsOf(err) ?? requests.map((r) => ({ alertId: r.alertId, error: errorMessage(err) }));
      const modelOf = new Map(requests.map((r) => [r.alertId, r.modelName]));
      for (const { alertId } of failed) {
        const counters = this.countersOf(modelOf.get(alertId) ?? this.modelName);
        if (counters) counters.failedActions++;
      }
      log.warn('drift alerts could not be sent', { modelName: this.modelName, failed });
    }
  }
}

/** The alerts a failed batch names as undelivered (the others did arrive). */
function failedAlertsOf(err: unknown): FailedAlert[] | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const detail = cause.details?.[0] as { failed?: FailedAlert[] } | undefined;
  return Array.isArray(detail?.failed) ? detail.failed : undefined;
}
