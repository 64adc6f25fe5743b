/**
 * What `simulate` prints past the policy's decisions, in text or JSON, and the lines it adds to
 * the summary: training results, the alerts each line raised, and the messages that went out.
 */
import type { Notification } from '../domain/alerting/alarm-timeline';
import type {
  LoopApproval,
  LoopStep,
  RaisedAlert,
  TrainingRetrain,
} from '../domain/simulation/loop-simulation';
import { approvalJson, ApprovalTally, formatApproval, heldJson } from './simulate-approval-output';
import {
  alertJson,
  formatAlerts,
  formatNotification,
  formatRetrainEnd,
  notificationJson,
  retrainEndJson,
  retrainLabel,
} from './simulate-loop-output';

type RetrainEndStep = Extract<LoopStep, { kind: 'retrain-end' }>;
type DecisionStep = Extract<LoopStep, { kind: 'decision' }>;

/** Approval requests modelled (GUARDIAN_APPROVAL_REQUIRED set): where bad answers go. */
export interface ApprovalPrinting {
  /** `--approvals FILE`, to name a bad answer's line. */
  answersFile?: string;
  err: (text: string) => void;
}

export class LoopPrinter {
  private readonly ends = {
    results: 0,
    promoted: 0,
    'awaiting-approval': 0,
    rejected: 0,
    failed: 0,
    trained: 0,
  };
  private readonly fates: Record<string, number> = {};
  private messages = 0;
  private readonly tally = new ApprovalTally();

  constructor(
    private readonly json: boolean,
    /** With alerts modelled (--alerts, --silences). */
    private readonly alerting: boolean,
    private readonly out: (text: string) => void,
    private readonly approvalPrinting?: ApprovalPrinting,
  ) {}

  /** Bad answers so far (the run's exit status counts them as invalid lines). */
  get badAnswers(): number {
    return this.tally.badAnswers;
  }

  /** Approval requests that ended, window runs held, and bad answers (on stderr), at their time. */
  approvals(list: LoopApproval[], metric: string | undefined): void {
    for (const a of list) {
      this.tally.happened(a);
      if (a.kind === 'answer-error') {
        const file = this.approvalPrinting?.answersFile ?? 'answers';
        this.approvalPrinting?.err(`${file}:${a.line}: ${a.error}\n`);
        continue;
      }
      if (this.json) {
        const alerts = this.alerting ? { alerts: a.alerts.map(alertJson) } : {};
        this.out(`${JSON.stringify({ ...approvalJson(a), ...alerts })}\n`);
      } else {
        this.out(formatApproval(a, this.approvalPrinting?.answersFile));
        if (a.kind === 'end' && a.training && metric)
          this.out(
            `    evaluation on ${metric}: the outcome depends on the training result (a model_training_completed line)\n`,
          );
      }
      this.alerts(a.alerts);
    }
  }

  /** Groups and warning batches that went out, at their time. */
  notifications(notifications: Notification[]): void {
    for (const n of notifications) {
      if (n.alarms.length > 0) this.messages++;
      this.out(this.json ? `${JSON.stringify(notificationJson(n))}\n` : formatNotification(n));
    }
  }

  /** A training result: the window runs it brought about, the verdict, the alerts it sent. */
  retrainEnd(step: RetrainEndStep): void {
    this.ends.results++;
    this.ends[step.end.outcome.outcome]++;
    if (this.json) {
      this.out(`${JSON.stringify(retrainEndJson(step.end, this.alerting ? step.alerts : undefined))}\n`);
    } else {
      for (const run of step.windowRuns)
        this.out(
          `  ${new Date(run.startedAt).toISOString()}  ${run.modelName}  scheduled RETRAIN of event ${run.triggeringEventId} ran in the maintenance window\n`,
        );
      this.out(formatRetrainEnd(step.end));
    }
    this.alerts(step.alerts);
  }

  /** What a decision's JSON object gains: a retrain waiting for its result, the alerts it sent. */
  decisionJson(step: DecisionStep): Record<string, unknown> {
    if (step.held) this.tally.held(step.held);
    // Counted for the summary (printed only as text).
    this.alerts(step.alerts);
    return {
      ...(step.held ? heldJson(step.held) : {}),
      ...(step.awaitsTrainingResult ? { awaits_training_result: true } : {}),
      ...(this.alerting ? { alerts: step.alerts.map(alertJson) } : {}),
    };
  }

  /** The lines printed below a decision's text. */
  decisionText(step: DecisionStep, metric: string | undefined): void {
    if (step.held) this.tally.held(step.held);
    if (step.awaitsTrainingResult)
      this.out(
        `    evaluation on ${metric}: the outcome depends on the training result (a model_training_completed line)\n`,
      );
    this.alerts(step.alerts);
  }

  /** Retrains whose evaluation the input leaves open. */
  awaiting(retrains: TrainingRetrain[]): void {
    for (const r of retrains) {
      if (this.json)
        this.out(
          `${JSON.stringify({ kind: 'awaiting_training_result', model_name: r.modelName, retrain_of: r.triggeringEventId, line: r.line })}\n`,
        );
      else
        this.out(
          `${r.modelName}: the evaluation of the RETRAIN of ${retrainLabel(r)} depends on its training result; the input has none\n`,
        );
    }
  }

  /** The summary lines of training results and alerts (none when there were none to tell). */
  summary(): string {
    const { ends, fates } = this;
    const trained =
      ends.results > 0
        ? `${ends.results} training result${ends.results === 1 ? '' : 's'}: ${ends.promoted} promoted, ` +
          (ends['awaiting-approval'] > 0
            ? `${ends['awaiting-approval']} waiting for approval to promote, `
            : '') +
          `${ends.rejected} rejected, ${ends.failed} failed, ${ends.trained} not evaluated\n`
        : '';
    const total = Object.values(fates).reduce((a, b) => a + b, 0);
    const alerts = this.alerting
      ? `${total} alerts: ${fates.sent ?? 0} sent at once, ${fates.grouped ?? 0} grouped, ${fates.batched ?? 0} batched, ` +
        `${fates.report ?? 0} into the daily report, ${fates.silenced ?? 0} silenced, ${fates.inhibited ?? 0} inhibited; ` +
        `${this.messages} waiting message${this.messages === 1 ? '' : 's'} went out\n`
      : '';
    return trained + (this.approvalPrinting ? this.tally.line() : '') + alerts;
  }

  private alerts(alerts: RaisedAlert[]): void {
    for (const a of alerts) this.fates[a.fate.fate] = (this.fates[a.fate.fate] ?? 0) + 1;
    if (!this.json) this.out(formatAlerts(alerts));
  }
}
