import {
  type AlarmFate,
  AlarmTimeline,
  type AlarmTimelineSettings,
  type Notification,
  type TimelineAlarm,
  type TimelineSilence,
} from '../alerting/alarm-timeline';
import {
  readTrainingResult,
  retrainOutcome,
  type RetrainOutcome,
  TRAINING_COMPLETED,
} from '../evaluation/training-result';
import type { ApprovalHold } from '../approval/approval-requests';
import type { IngestSettings } from '../ingest/read-event';
import type { GuardianSettings } from '../policy/settings';
import { PolicySimulation, type SimulatedDecision } from '../policy/simulation';
import { type ApprovalEvent, ApprovalSimulation, endedEntryId } from './approval-simulation';
import {
  actionAlarm,
  approvalRequestAlarm,
  driftAlarm,
  rejectionAlarm,
  type RetrainRun,
  retrainFailureAlarm,
} from './guardian-alerts';
import type { ScriptedAnswer } from './scripted-answers';

/** An alert raised by a line, and what became of it. */
export interface RaisedAlert {
  alarm: TimelineAlarm;
  fate: AlarmFate;
}

/** A retrain waiting for its training result. */
export interface TrainingRetrain extends RetrainRun {
  triggeringEventId: string;
  startedAt: number;
  line: number;
}

/** What the loop after a RETRAIN did with one training result. */
export interface SimulatedRetrainEnd {
  line: number;
  model_name: string;
  timestamp: string;
  retrain: TrainingRetrain;
  outcome: RetrainOutcome;
}

/** Something that happened to approval requests before a line's time (or after the last line). */
export type LoopApproval =
  | (Extract<ApprovalEvent, { kind: 'end' }> & {
      alerts: RaisedAlert[];
      /** An approved (or proceeding) RETRAIN starts training under the entry `<decision>:approval`. */
      training?: TrainingRetrain;
    })
  | Extract<ApprovalEvent, { kind: 'answer-error' }>
  /** A deferred retrain's window came and the retrain waits for approval (or was abandoned). */
  | {
      kind: 'window-held';
      at: number;
      modelName: string;
      eventId: string;
      hold: Extract<ApprovalHold, { held: true }>;
      alerts: RaisedAlert[];
    };

interface Shared {
  /** Groups and warning batches that went out before this line's time (with alerts on). */
  notifications: Notification[];
  /** Approval requests that ended (answered or timed out) before this line's time, and bad answers. */
  approvals: LoopApproval[];
  /** Alerts this line raised (with alerts on). */
  alerts: RaisedAlert[];
}

export type LoopStep =
  | { kind: 'blank'; line: number }
  | {
      kind: 'invalid';
      line: number;
      error: string;
      /** What went out, and what happened to approval requests, before the line's time. */
      notifications?: Notification[];
      approvals?: LoopApproval[];
    }
  | (Shared & {
      kind: 'decision';
      decision: SimulatedDecision;
      warning?: string;
      /** An executed RETRAIN with evaluation on: the verdict waits for its training result. */
      awaitsTrainingResult: boolean;
      /** The decision waits for a person (GUARDIAN_APPROVAL_REQUIRED), or was abandoned: too many wait. */
      held?: Extract<ApprovalHold, { held: true }>;
    })
  | (Shared & {
      kind: 'retrain-end';
      end: SimulatedRetrainEnd;
      /** Deferred retrains whose window came before this result (they ran then, and train now). */
      windowRuns: TrainingRetrain[];
    });

export interface LoopSimulationOptions {
  ingest: IngestSettings;
  idOf: (text: string) => string;
  /** Model what reaches people; absent: decisions and evaluations only. */
  alerts?: { settings: AlarmTimelineSettings; silences: readonly TimelineSilence[] };
  /** What people answer to approval requests (`--approvals FILE`); unanswered ones time out. */
  answers?: readonly ScriptedAnswer[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `simulate` past the decision: the policy (PolicySimulation), then what a RETRAIN does when its
 * training result arrives (evaluate and promote or reject, judged by judgeCandidate), then the
 * alerts all of it sends through the alert sender's grouping, inhibition and silences
 * (AlarmTimeline), all in event time. Training results are `model_training_completed` lines in
 * the same input.
 */
export class LoopSimulation {
  readonly policy: PolicySimulation;
  readonly approvals: ApprovalSimulation;
  private readonly timeline?: AlarmTimeline;
  private readonly training = new Map<string, TrainingRetrain[]>();
  /** Severity of each deferred retrain by its event id: its window run has the same. */
  private readonly deferred = new Map<string, { severity: string; line: number }>();

  constructor(
    readonly settings: GuardianSettings,
    private readonly options: LoopSimulationOptions,
  ) {
    this.policy = new PolicySimulation(settings, options);
    this.approvals = new ApprovalSimulation(settings.approval, options.answers ?? []);
    if (options.alerts) this.timeline = new AlarmTimeline(options.alerts.settings, options.alerts.silences);
  }

  /** Feeds one line of JSONL (1-based line number). */
  feedLine(text: string, line: number): LoopStep {
    const training = this.trainingLine(text);
    if (training) return this.feedTrainingResult(training, line);
    const step = this.policy.feedLine(text, line);
    if (step.kind !== 'decision') return step;
    const d = step.decision;
    const at = Date.parse(d.timestamp);
    const notifications: Notification[] = [];
    const approvals: LoopApproval[] = [];
    for (const ran of d.scheduled_retrains_ran ?? [])
      this.startWindowRun(d.model_name, ran.event_id, Date.parse(ran.ran_at), notifications, approvals);
    this.catchUp(at, notifications, approvals);
    notifications.push(...this.advanceTo(at));
    const alerts: RaisedAlert[] = [];
    let awaitsTrainingResult = false;
    let held: Extract<ApprovalHold, { held: true }> | undefined;
    if (!d.duplicate) {
      const decided = {
        eventId: d.event_id,
        modelName: d.model_name,
        eventType: d.event_type,
        severity: d.severity,
        at,
      };
      if (d.event_type === 'data_drift_detected') alerts.push(...this.raise(driftAlarm(decided)));
      if (d.outcome === 'execute') {
        const hold = this.approvals.hold({
          decisionId: d.event_id,
          triggeringEventId: d.event_id,
          modelName: d.model_name,
          eventType: d.event_type,
          action: d.action,
          severity: d.severity,
          line,
          at,
        });
        if (hold.held) held = hold;
        if (hold.held && hold.waits)
          alerts.push(
            ...this.raise(
              approvalRequestAlarm({
                decisionId: d.event_id,
                modelName: d.model_name,
                action: d.action,
                severity: d.severity,
                sourceEventType: d.event_type,
                at,
              }),
            ),
          );
      }
      if (d.outcome === 'execute' && !held && d.action === 'ALERT')
        alerts.push(...this.raise(actionAlarm(decided)));
      if (d.outcome === 'defer') this.deferred.set(d.event_id, { severity: d.severity, line });
      if (d.outcome === 'execute' && !held && d.action === 'RETRAIN') {
        this.startTraining({
          decisionId: d.event_id,
          triggeringEventId: d.event_id,
          modelName: d.model_name,
          severity: d.severity,
          sourceEventType: d.event_type,
          startedAt: at,
          line,
        });
        awaitsTrainingResult = this.settings.evaluation !== undefined;
      }
    }
    return {
      kind: 'decision',
      decision: d,
      warning: step.warning,
      awaitsTrainingResult,
      ...(held ? { held } : {}),
      notifications,
      approvals,
      alerts,
    };
  }

  /**
   * After the last line: the approval requests still waiting time out (answers still to come are
   * taken in their turn), then retrains still training, and every group and batch still waiting.
   */
  finish(): { stillTraining: TrainingRetrain[]; notifications: Notification[]; approvals: LoopApproval[] } {
    const notifications: Notification[] = [];
    const approvals: LoopApproval[] = [];
    this.catchUp(Number.POSITIVE_INFINITY, notifications, approvals);
    notifications.push(...(this.timeline?.finish() ?? []));
    const stillTraining = [...this.training.values()].flat().sort((a, b) => a.startedAt - b.startedAt);
    return { stillTraining, notifications, approvals };
  }

  private trainingLine(text: string): Record<string, unknown> | undefined {
    if (!text.includes(TRAINING_COMPLETED)) return undefined;
    try {
      const raw: unknown = JSON.parse(text);
      if (
        typeof raw === 'object' &&
        raw !== null &&
        (raw as { event_type?: unknown }).event_type === TRAINING_COMPLETED
      )
        return raw as Record<string, unknown>;
    } catch {
      // Not JSON: the policy's reader says so with the line number.
    }
    return undefined;
  }

  private feedTrainingResult(raw: Record<string, unknown>, line: number): LoopStep {
    const read = readTrainingResult(raw, this.options.ingest.producerTimeZone);
    if (!read.ok) return { kind: 'invalid', line, error: read.error };
    const result = read.result;
    const notifications: Notification[] = [];
    const approvals: LoopApproval[] = [];
    const windowRuns = this.policy
      .runDueRetrains(result.modelName, result.at)
      .flatMap(
        (due) =>
          this.startWindowRun(result.modelName, due.eventId, due.runAt, notifications, approvals) ?? [],
      );
    this.catchUp(result.at, notifications, approvals);
    notifications.push(...this.advanceTo(result.at));
    const retrain = this.takeRetrain(result.modelName, result.at, result.triggeringEventId);
    if (typeof retrain === 'string')
      return {
        kind: 'invalid',
        line,
        error: retrain,
        // What happened before the line's time still happened.
        ...(notifications.length > 0 ? { notifications } : {}),
        ...(approvals.length > 0 ? { approvals } : {}),
      };
    const outcome = retrainOutcome(this.settings.evaluation, result);
    const alerts: RaisedAlert[] = [];
    if (outcome.outcome === 'rejected')
      alerts.push(
        ...this.raise(
          rejectionAlarm(retrain, outcome.verdict.candidateVersion, outcome.verdict.metric, result.at),
        ),
      );
    if (outcome.outcome === 'failed') alerts.push(...this.raise(retrainFailureAlarm(retrain, result.at)));
    return {
      kind: 'retrain-end',
      end: { line, model_name: result.modelName, timestamp: result.timestamp, retrain, outcome },
      windowRuns,
      notifications,
      approvals,
      alerts,
    };
  }

  /** The retrain a result ends: the one it names, else the model's oldest one started by then. */
  private takeRetrain(modelName: string, at: number, eventId: string | undefined): TrainingRetrain | string {
    const queue = this.training.get(modelName) ?? [];
    const index = queue.findIndex(
      (r) => r.startedAt <= at && (eventId === undefined || r.triggeringEventId === eventId),
    );
    if (index < 0) {
      const which = eventId ? `the RETRAIN of event ${eventId}` : `no RETRAIN of ${modelName}`;
      return eventId
        ? `${TRAINING_COMPLETED}: ${which} is not training at ${iso(at)} (not executed before it, or already ended)`
        : `${TRAINING_COMPLETED}: ${which} is training at ${iso(at)}: a training result ends an executed RETRAIN decided before it`;
    }
    const [retrain] = queue.splice(index, 1);
    if (queue.length === 0) this.training.delete(modelName);
    return retrain;
  }

  private startTraining(retrain: TrainingRetrain): void {
    const queue = this.training.get(retrain.modelName) ?? [];
    queue.push(retrain);
    this.training.set(retrain.modelName, queue);
  }

  /**
   * A deferred retrain's window came: it trains now, under a decision of its own (no source event),
   * unless it must wait for approval first (then undefined: it trains once approved).
   */
  private startWindowRun(
    modelName: string,
    eventId: string,
    ranAt: number,
    notifications: Notification[],
    approvals: LoopApproval[],
  ): TrainingRetrain | undefined {
    this.catchUp(ranAt, notifications, approvals);
    notifications.push(...this.advanceTo(ranAt));
    const deferred = this.deferred.get(eventId);
    const decisionId = `${eventId}:window-run`;
    const severity = deferred?.severity ?? 'MEDIUM';
    const line = deferred?.line ?? 0;
    const hold = this.approvals.hold({
      decisionId,
      triggeringEventId: eventId,
      modelName,
      eventType: 'data_drift_detected',
      action: 'RETRAIN',
      severity,
      line,
      at: ranAt,
    });
    if (hold.held) {
      const alerts = hold.waits
        ? this.raise(approvalRequestAlarm({ decisionId, modelName, action: 'RETRAIN', severity, at: ranAt }))
        : [];
      approvals.push({ kind: 'window-held', at: ranAt, modelName, eventId, hold, alerts });
      return undefined;
    }
    const retrain: TrainingRetrain = {
      decisionId,
      triggeringEventId: eventId,
      modelName,
      severity,
      startedAt: ranAt,
      line,
    };
    this.startTraining(retrain);
    return retrain;
  }

  /**
   * Approval requests that end by `at` (answered or timed out), in time order, with what each one
   * that goes ahead does: an ALERT sends its alert, a RETRAIN starts training. The alerts' timeline
   * is advanced to each one's time first, so alerts are raised in time order.
   */
  private catchUp(at: number, notifications: Notification[], approvals: LoopApproval[]): void {
    for (const event of this.approvals.advanceTo(at)) {
      if (event.kind === 'answer-error') {
        approvals.push(event);
        continue;
      }
      notifications.push(...this.advanceTo(event.at));
      const { request } = event;
      const alerts: RaisedAlert[] = [];
      let training: TrainingRetrain | undefined;
      if (event.resolution.outcome === 'runs' && request.action === 'ALERT') {
        const decided = { ...request, eventId: endedEntryId(request), at: event.at };
        alerts.push(...this.raise(actionAlarm(decided)));
      }
      if (event.resolution.outcome === 'runs' && request.action === 'RETRAIN') {
        training = {
          decisionId: endedEntryId(request),
          triggeringEventId: request.triggeringEventId,
          modelName: request.modelName,
          severity: request.severity,
          ...(request.decisionId === request.triggeringEventId ? { sourceEventType: request.eventType } : {}),
          startedAt: event.at,
          line: request.line,
        };
        this.startTraining(training);
      }
      approvals.push({ ...event, alerts, ...(training ? { training } : {}) });
    }
  }

  private advanceTo(at: number): Notification[] {
    return this.timeline?.advanceTo(at) ?? [];
  }

  private raise(alarm: TimelineAlarm): RaisedAlert[] {
    return this.timeline ? [{ alarm, fate: this.timeline.raise(alarm) }] : [];
  }
}
