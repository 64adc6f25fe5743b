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
import type { IngestSettings } from '../ingest/read-event';
import type { GuardianSettings } from '../policy/settings';
import { PolicySimulation, type SimulatedDecision } from '../policy/simulation';
import {
  actionAlarm,
  driftAlarm,
  rejectionAlarm,
  type RetrainRun,
  retrainFailureAlarm,
} from './guardian-alerts';

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

interface Shared {
  /** Groups and warning batches that went out before this line's time (with alerts on). */
  notifications: Notification[];
  /** Alerts this line raised (with alerts on). */
  alerts: RaisedAlert[];
}

export type LoopStep =
  | { kind: 'blank'; line: number }
  | { kind: 'invalid'; line: number; error: string }
  | (Shared & {
      kind: 'decision';
      decision: SimulatedDecision;
      warning?: string;
      /** An executed RETRAIN with evaluation on: the verdict waits for its training result. */
      awaitsTrainingResult: boolean;
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
  private readonly timeline?: AlarmTimeline;
  private readonly training = new Map<string, TrainingRetrain[]>();
  /** Severity of each deferred retrain by its event id: its window run has the same. */
  private readonly deferred = new Map<string, { severity: string; line: number }>();

  constructor(
    readonly settings: GuardianSettings,
    private readonly options: LoopSimulationOptions,
  ) {
    this.policy = new PolicySimulation(settings, options);
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
    const notifications = this.advanceTo(at);
    const alerts: RaisedAlert[] = [];
    for (const ran of d.scheduled_retrains_ran ?? [])
      this.startWindowRun(d.model_name, ran.event_id, ran.ran_at);
    let awaitsTrainingResult = false;
    if (!d.duplicate) {
      const decided = {
        eventId: d.event_id,
        modelName: d.model_name,
        eventType: d.event_type,
        severity: d.severity,
        at,
      };
      if (d.event_type === 'data_drift_detected') alerts.push(...this.raise(driftAlarm(decided)));
      if (d.outcome === 'execute' && d.action === 'ALERT') alerts.push(...this.raise(actionAlarm(decided)));
      if (d.outcome === 'defer') this.deferred.set(d.event_id, { severity: d.severity, line });
      if (d.outcome === 'execute' && d.action === 'RETRAIN') {
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
      notifications,
      alerts,
    };
  }

  /** Retrains still training at the end, and every group and batch still waiting, as it goes out. */
  finish(): { stillTraining: TrainingRetrain[]; notifications: Notification[] } {
    const stillTraining = [...this.training.values()].flat().sort((a, b) => a.startedAt - b.startedAt);
    return { stillTraining, notifications: this.timeline?.finish() ?? [] };
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
    const windowRuns = this.policy
      .runDueRetrains(result.modelName, result.at)
      .map((due) => this.startWindowRun(result.modelName, due.eventId, iso(due.runAt)));
    const retrain = this.takeRetrain(result.modelName, result.at, result.triggeringEventId);
    if (typeof retrain === 'string') return { kind: 'invalid', line, error: retrain };
    const notifications = this.advanceTo(result.at);
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

  /** A deferred retrain ran in its window: it trains now, under a decision of its own (no source event). */
  private startWindowRun(modelName: string, eventId: string, ranAt: string): TrainingRetrain {
    const deferred = this.deferred.get(eventId);
    const retrain: TrainingRetrain = {
      decisionId: `${eventId}:window-run`,
      triggeringEventId: eventId,
      modelName,
      severity: deferred?.severity ?? 'MEDIUM',
      startedAt: Date.parse(ranAt),
      line: deferred?.line ?? 0,
    };
    this.startTraining(retrain);
    return retrain;
  }

  private advanceTo(at: number): Notification[] {
    return this.timeline?.advanceTo(at) ?? [];
  }

  private raise(alarm: TimelineAlarm): RaisedAlert[] {
    return this.timeline ? [{ alarm, fate: this.timeline.raise(alarm) }] : [];
  }
}
