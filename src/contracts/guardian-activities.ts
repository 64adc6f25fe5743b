/**
 * The activity boundary of the model guardian. Workflows import these types only
 * (proxyActivities<GuardianActivities>); createGuardianActivities(deps) implements them
 * against real backends, and workflow tests replace them with recording fakes.
 */

import type { AlarmSuppression } from './alarms';
import type { MeasuredMetrics, Verdict } from '../domain/evaluation/judge-candidate';
import type { AlertPriorityLevel } from '../domain/policy/actions';

export type AlertPriority = AlertPriorityLevel;

/** One decision, executed or skipped, as the audit trail stores it (one row per model + event). */
export interface DecisionRecord {
  modelName: string;
  eventId: string;
  eventType: string;
  severity: string;
  action: string;
  executed: boolean;
  reason: string;
  /** ISO-8601, workflow time of the decision. */
  decidedAt: string;
  details: Record<string, unknown>;
}

export interface TrainingRequest {
  modelName: string;
  modelVersion?: string;
  reason: string;
  priority: 'high' | 'normal';
  triggeringEventId: string;
}

export interface TrainingResult {
  jobId: string;
  status: 'succeeded' | 'failed';
  /** Why it failed, or a short summary of the run. */
  detail?: string;
  newVersion?: string;
}

export interface RollbackRequest {
  modelName: string;
  reason: string;
  triggeringEventId: string;
  /**
   * Roll back to this version (a promotion watch returns to the champion the promotion replaced,
   * stable-marked or not). Absent: the newest stable version registered before the serving one.
   */
  toVersion?: string;
  /** With `toVersion`: the version expected to serve; if another one does, nothing changes. */
  fromVersion?: string;
}

export interface RollbackResult {
  fromVersion: string;
  toVersion: string;
}

/** ApplicationFailure type thrown (non-retryable) when the registry has no earlier stable version. */
export const NO_STABLE_VERSION_FAILURE = 'NoStableVersion';

/** ApplicationFailure type (non-retryable) of a watch's rollback when the watched version no longer serves. */
export const SERVING_VERSION_CHANGED_FAILURE = 'ServingVersionChanged';

/** What a retrained candidate is measured on, against whatever version serves now. */
export interface EvaluationRequest {
  modelName: string;
  metric: string;
  candidateVersion: string;
  /** The training job that produced the candidate (its result may carry the metrics). */
  trainingJobId: string;
  triggeringEventId: string;
}

/** ApplicationFailure type (non-retryable) when a source has no value of the metric for a version. */
export const EVALUATION_METRIC_MISSING_FAILURE = 'EvaluationMetricMissing';

/** A candidate that passed evaluation, to be served in place of the champion. */
export interface PromotionRequest {
  modelName: string;
  toVersion: string;
  reason: string;
  triggeringEventId: string;
  /** The numbers behind the promotion, published with model.deployed. */
  verdict: Verdict;
}

export interface PromotionResult {
  /** What served before; absent when nothing did. */
  fromVersion?: string;
  toVersion: string;
}

export interface ScaleRequest {
  modelName: string;
  serviceName?: string;
  /** +2 for SCALE_UP, -1 for SCALE_DOWN. */
  delta: number;
  reason: string;
  triggeringEventId: string;
}

export interface ScaleResult {
  serviceName: string;
  fromInstances: number;
  toInstances: number;
  /** Why the count was left as it was: another model's scale of this service is in its cooldown. */
  heldBy?: string;
}

export interface AlertRequest {
  /** Stable per decision, so a retried delivery is recognisable downstream. */
  alertId: string;
  modelName: string;
  title: string;
  message: string;
  priority: AlertPriority;
  /** ISO-8601. */
  time: string;
  sourceEvent?: Record<string, unknown>;
  /** To people at once whatever its priority: an approval request waits for an answer. */
  immediate?: boolean;
  /** It asks for an answer (an approval request): no silence or inhibition holds it back. */
  answerNeeded?: boolean;
}

export interface AlertResult {
  /** system.alerts, and the channels to people that accepted it now. */
  deliveredTo: string[];
  /** How it travels to people: at once, in the next warning batch, or into the daily report. */
  route?: 'now' | 'batch' | 'summary';
  /** Channels given up on (recorded in alarm_deliveries and counted). */
  undelivered?: string[];
  /** Held back from people by a silence or an inhibiting critical alarm (still on system.alerts). */
  suppressed?: AlarmSuppression;
  /** A critical alert waiting in its group (ALERT_GROUP_WAIT_SECONDS), and when the group goes out. */
  grouped?: { groupKey: string; sendAt: string };
}

/** An alert of a batch that did not reach every channel, and why. */
export interface FailedAlert {
  alertId: string;
  error: string;
}

/** ApplicationFailure type of a batch whose alerts did not all arrive; details[0] is `{ failed: FailedAlert[] }`. */
export const ALERTS_UNDELIVERED_FAILURE = 'AlertsUndelivered';

export interface MonitoringRequest {
  modelName: string;
  intervalSeconds: number;
  durationSeconds: number;
  reason: string;
  triggeringEventId: string;
}

export interface MonitoringResult {
  /** ISO-8601: when monitoring returns to its normal frequency. */
  until: string;
}

/**
 * What a guardian that starts without carried state (after ending idle, or after an operator
 * terminated or reset it) reads back from its audit trail to rebuild its memory.
 */
export interface RecallRequest {
  modelName: string;
  /** ISO-8601: every response (and cleared cooldown) decided at or after this instant. */
  since: string;
  /** Also the newest this-many decisions, whatever their age and status, for the history. */
  recentLimit: number;
}

export interface GuardianActivities {
  /** Idempotent by (modelName, eventId). */
  recordDecision(record: DecisionRecord): Promise<void>;
  /** Several decisions in one write; each idempotent by (modelName, eventId), the first write wins. */
  recordDecisions(records: DecisionRecord[]): Promise<void>;
  /**
   * Decisions of the model from the audit trail, oldest first and bounded in number and size:
   * reasons shortened, details cut to the fields the guardian's memory needs.
   */
  recallDecisions(request: RecallRequest): Promise<DecisionRecord[]>;
  /** Submits a training job and follows it to completion with heartbeats; publishes model.training.started/completed. */
  runTrainingJob(request: TrainingRequest): Promise<TrainingResult>;
  /** Serves the previous stable version (or the one asked for); publishes model.deployed. */
  rollbackModel(request: RollbackRequest): Promise<RollbackResult>;
  /** The metric of a retrained candidate and of the serving (champion) version, from the configured source. */
  measureCandidate(request: EvaluationRequest): Promise<MeasuredMetrics>;
  /** Serves a candidate that passed evaluation; publishes model.deployed with the evaluation. */
  promoteModel(request: PromotionRequest): Promise<PromotionResult>;
  scaleService(request: ScaleRequest): Promise<ScaleResult>;
  /** To system.alerts and, routed by priority, the configured channels (README "Alerting"). */
  sendAlert(request: AlertRequest): Promise<AlertResult>;
  /** Several alerts, each delivered once per channel; fails naming the alerts that did not arrive. */
  sendAlerts(requests: AlertRequest[]): Promise<{ delivered: number }>;
  raiseMonitoring(request: MonitoringRequest): Promise<MonitoringResult>;
}
