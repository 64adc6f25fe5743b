import type { AlarmSource } from '../contracts/alarms';
import type { DecisionRecord } from '../contracts/guardian-activities';
import { Counter, Histogram, MetricsRegistry } from './prometheus-registry';

export type { AlarmSource } from '../contracts/alarms';

/** The statuses a decision ends in (README "What the guardian does with a decision"). */
const OUTCOMES = new Set(['succeeded', 'failed', 'skipped', 'scheduled', 'cancelled', 'dry-run', 'paused']);

// Alert delivery is meant to take seconds (the target is 30 s); minutes mean a backlog.
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

/** Label values come from records and requests: bounded, so a stray value cannot explode the series. */
function actionLabel(action: string): string {
  return /^[A-Z_]{1,32}$/.test(action) ? action : 'other';
}

function outcomeOf(record: DecisionRecord): string {
  const status = record.details?.status;
  return typeof status === 'string' && OUTCOMES.has(status) ? status : 'other';
}

/**
 * The worker's own series for GET /metrics (README "Worker metrics"): fed by activities, which
 * run once per attempt in this process, so each counter says per what it counts.
 */
export class WorkerMetrics {
  readonly registry = new MetricsRegistry();
  private readonly decisions: Counter = this.registry.counter(
    'guardian_decisions_total',
    'Decisions written to the audit trail, by action and outcome (once per decision, however often the write was retried).',
  );
  private readonly executions: Counter = this.registry.counter(
    'guardian_action_executions_total',
    'Actions that ran, by action and result (succeeded or failed after retries), from the audit trail.',
  );
  private readonly auditFailures: Counter = this.registry.counter(
    'guardian_audit_write_failures_total',
    'Attempts to write decisions to the audit trail that failed (the guardian retries them).',
  );
  private readonly alarmsSent: Counter = this.registry.counter(
    'alarms_sent_total',
    'Alarms delivered, by source (guardian, video, report, bridge) and channel (kafka, slack, discord, webhook, email).',
  );
  private readonly alarmFailures: Counter = this.registry.counter(
    'alarm_delivery_failures_total',
    'Attempts to deliver an alarm to a channel that failed, by source and channel.',
  );
  private readonly alarmsUndelivered: Counter = this.registry.counter(
    'alarms_undelivered_total',
    'Alarms a channel was given up on (refused, or still failing after ALERT_DELIVERY_ATTEMPTS), by source and channel; each is in alarm_deliveries.',
  );
  private readonly alarmsSuppressed: Counter = this.registry.counter(
    'alarms_suppressed_total',
    'Alarms recorded in the alarms table but not sent, by source and reason (silenced, inhibited).',
  );
  private readonly alarmLatency: Histogram = this.registry.histogram(
    'alarm_delivery_latency_seconds',
    'From the moment an alarm was raised (the decision, the report) until a channel accepted it; alarms sent at once (batched warnings wait by design).',
    LATENCY_BUCKETS,
  );

  /** Counts decisions newly in the audit trail; rows already there were counted when first written. */
  decisionsRecorded(inserted: DecisionRecord[]): void {
    for (const record of inserted) {
      const action = actionLabel(record.action);
      const outcome = outcomeOf(record);
      this.decisions.inc({ action, outcome });
      if (outcome === 'succeeded' || outcome === 'failed') this.executions.inc({ action, result: outcome });
    }
  }

  auditWriteFailed(): void {
    this.auditFailures.inc();
  }

  /** An alarm a channel accepted; `raisedAt` (ISO-8601) gives its delivery latency when known. */
  alarmSent(source: AlarmSource, channel: string, raisedAt?: string, now = Date.now()): void {
    this.alarmsSent.inc({ source, channel });
    const raised = raisedAt === undefined ? NaN : Date.parse(raisedAt);
    if (Number.isFinite(raised))
      this.alarmLatency.observe({ source, channel }, Math.max(0, (now - raised) / 1000));
  }

  alarmFailed(source: AlarmSource, channel: string): void {
    this.alarmFailures.inc({ source, channel });
  }

  alarmSuppressed(source: AlarmSource, reason: 'silenced' | 'inhibited'): void {
    this.alarmsSuppressed.inc({ source, reason });
  }

  alarmUndelivered(source: AlarmSource, channel: string): void {
    this.alarmsUndelivered.inc({ source, channel });
  }

  render(): string {
    return this.registry.render();
  }
}

/** The metrics of this process's activities (what the worker's /metrics serves). */
export const processWorkerMetrics = new WorkerMetrics();
