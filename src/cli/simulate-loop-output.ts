/**
 * How `simulate` prints what follows a decision: the retrain's evaluation, the alerts each line
 * raises and the messages that reach people (README "Trying a policy change: `simulate`").
 */
import type { AlarmTimelineSettings, Notification, TimelineSilence } from '../domain/alerting/alarm-timeline';
import type { EvaluationSettings } from '../domain/evaluation/evaluation-settings';
import type { RaisedAlert, SimulatedRetrainEnd, TrainingRetrain } from '../domain/simulation/loop-simulation';

const iso = (ms: number) => new Date(ms).toISOString();

/** `, evaluation auc (higher is better, improvement ≥ 0)`; nothing when evaluation is off. */
export function describeEvaluation(settings: EvaluationSettings | undefined): string {
  if (!settings) return '';
  const rule =
    settings.tolerance !== undefined
      ? `not worse than the champion by more than ${settings.tolerance}`
      : `improvement ≥ ${settings.minImprovement}`;
  return `, evaluation ${settings.metric} (${settings.direction} is better, ${rule})`;
}

/** The alerting line of the header. */
export function describeAlerting(
  settings: AlarmTimelineSettings,
  silences: readonly TimelineSilence[],
): string {
  const group =
    settings.groupWaitSeconds > 0
      ? `critical alerts wait ${settings.groupWaitSeconds} s in their group`
      : 'critical alerts at once (no group wait)';
  const inhibit =
    settings.inhibitMinutes > 0
      ? `a critical alert inhibits lower ones for ${settings.inhibitMinutes} min`
      : 'no inhibition';
  return (
    `alerts: ${group}, warnings every ${settings.warningBatchSeconds} s, ${inhibit}, ` +
    `${silences.length} silence${silences.length === 1 ? '' : 's'}\n`
  );
}

function fateText(a: RaisedAlert): string {
  const f = a.fate;
  switch (f.fate) {
    case 'sent':
      return 'sent at once';
    case 'grouped':
      return `waits in group ${f.groupKey}, goes out at ${iso(f.sendAt)}`;
    case 'batched':
      return `waits for the warning batch at ${iso(f.sendAt)}`;
    case 'report':
      return 'reaches nobody: into the daily report (low priority)';
    case 'silenced':
      return `silenced by ${f.by} (recorded, not sent)`;
    case 'inhibited':
      return `inhibited by the critical alert ${f.by} (recorded, not sent)`;
  }
}

const alertTitle = (a: { alarm: { labels: { priority: string }; title: string } }) =>
  `[${a.alarm.labels.priority}] ${a.alarm.title}`;

/** One indented line per alert a line raised. */
export function formatAlerts(alerts: RaisedAlert[]): string {
  return alerts.map((a) => `    alert ${alertTitle(a)}  →  ${fateText(a)}\n`).join('');
}

/** A message that went out to people: a group or a warning batch, with what it lists. */
export function formatNotification(n: Notification): string {
  const what = n.kind === 'group' ? `group ${n.groupKey} goes out` : 'warning batch goes out';
  const count =
    n.alarms.length === 0
      ? 'nothing left to send'
      : `one message listing ${n.alarms.length} alert${n.alarms.length === 1 ? '' : 's'}`;
  const listed = n.alarms
    .map((alarm) => `      [${alarm.labels.priority}] ${alarm.title}  (${alarm.id})\n`)
    .join('');
  const silenced = n.silencedWhileWaiting
    .map(
      ({ alarm, by }) =>
        `      silenced while it waited, by ${by}: [${alarm.labels.priority}] ${alarm.title}\n`,
    )
    .join('');
  return `  ${iso(n.at)}  ${what}: ${count}\n${listed}${silenced}`;
}

function endHeadline(end: SimulatedRetrainEnd): string {
  const o = end.outcome;
  switch (o.outcome) {
    case 'promoted':
      return o.verdict.championVersion
        ? `promoted from version ${o.verdict.championVersion} to ${o.verdict.candidateVersion}`
        : `promoted version ${o.verdict.candidateVersion} (no champion serving)`;
    case 'awaiting-approval':
      return `passed, waits for a person before version ${o.verdict.candidateVersion} is promoted (PROMOTION_MODE=approval: simulate does not play that answer)`;
    case 'rejected':
      return `rejected, version ${o.verdict.championVersion} keeps serving`;
    case 'failed':
      return 'RETRAIN failed, the serving version stays';
    case 'trained':
      return 'trained, no evaluation';
  }
}

export function retrainLabel(r: TrainingRetrain): string {
  // A retrain that waited for approval runs under `<decision>:approval`.
  const approved = r.decisionId.endsWith(':approval');
  const decision = approved ? r.decisionId.slice(0, -':approval'.length) : r.decisionId;
  const which = decision.endsWith(':window-run')
    ? `the window run of event ${r.triggeringEventId}`
    : `line ${r.line} (event ${r.triggeringEventId})`;
  return approved ? `${which} (approved)` : which;
}

/** A training result: which retrain it ends, the verdict, and the history line's wording below. */
export function formatRetrainEnd(end: SimulatedRetrainEnd): string {
  return (
    `${end.timestamp}  ${end.model_name}  training result of the RETRAIN of ${retrainLabel(end.retrain)}  →  ${endHeadline(end)}\n` +
    `    ${end.outcome.summary}\n`
  );
}

/** The JSON form of an alert and its fate (snake_case, as every simulate object). */
export function alertJson(a: RaisedAlert) {
  const { fate, ...rest } = a.fate as { fate: string } & Record<string, unknown>;
  const at = (v: unknown) => (typeof v === 'number' ? iso(v) : undefined);
  return {
    alert_id: a.alarm.id,
    title: a.alarm.title,
    priority: a.alarm.labels.priority,
    labels: a.alarm.labels,
    raised_at: iso(a.alarm.raisedAt),
    fate,
    ...(rest.sendAt !== undefined ? { send_at: at(rest.sendAt) } : {}),
    ...(rest.at !== undefined ? { sent_at: at(rest.at) } : {}),
    ...(rest.groupKey !== undefined ? { group_key: rest.groupKey } : {}),
    ...(rest.by !== undefined ? { by: rest.by } : {}),
  };
}

export function notificationJson(n: Notification) {
  return {
    kind: 'notification',
    type: n.kind,
    at: iso(n.at),
    ...(n.groupKey !== undefined ? { group_key: n.groupKey } : {}),
    alerts: n.alarms.map((alarm) => ({
      alert_id: alarm.id,
      title: alarm.title,
      priority: alarm.labels.priority,
    })),
    silenced_while_waiting: n.silencedWhileWaiting.map(({ alarm, by }) => ({ alert_id: alarm.id, by })),
  };
}

export function retrainEndJson(end: SimulatedRetrainEnd, alerts: RaisedAlert[] | undefined) {
  const o = end.outcome;
  return {
    kind: 'retrain_end',
    line: end.line,
    model_name: end.model_name,
    timestamp: end.timestamp,
    retrain_of: end.retrain.triggeringEventId,
    window_run: end.retrain.decisionId.includes(':window-run'),
    outcome: o.outcome,
    summary: o.summary,
    ...(o.outcome === 'promoted' || o.outcome === 'awaiting-approval' || o.outcome === 'rejected'
      ? { verdict: o.verdict }
      : {}),
    ...(alerts ? { alerts: alerts.map(alertJson) } : {}),
  };
}
