import fs from 'node:fs';
import readline from 'node:readline';
import { deterministicUuid } from '../backends/deterministic-id';
import { ConfigError, loadConfig } from '../config';
import { ingestSettingsFromConfig } from '../config/ingest';
import type { IngestSettings } from '../domain/ingest/read-event';
import type { AlarmTimelineSettings, TimelineSilence } from '../domain/alerting/alarm-timeline';
import { readSimulatedSilences } from '../domain/alerting/simulated-silences';
import {
  describeBusinessHours,
  guardianSettingsFromConfig,
  isValidTimeZone,
  type GuardianSettings,
  type HysteresisRules,
  type SimulatedDecision,
} from '../domain/policy';
import { LoopSimulation } from '../domain/simulation/loop-simulation';
import { type ReadAnswers, readScriptedAnswers } from '../domain/simulation/scripted-answers';
import type { ApprovalHold } from '../domain/approval/approval-requests';
import { describeApproval, heldVerdict } from './simulate-approval-output';
import { describeAlerting, describeEvaluation } from './simulate-loop-output';
import { LoopPrinter } from './simulate-loop-printer';

const USAGE = `usage: mlops-guardian simulate FILE [--time-zone TZ] [--alerts] [--silences FILE] [--approvals FILE] [--json]

Feeds a JSONL file of timestamped model events through the auto-response policy (the code the
guardian runs) and prints the decision for each event, with its reason. No Temporal needed.
Each event is decided at its own timestamp, one policy state per model, in file order.
Lines are read exactly as the bridge reads messages: the reference producer's loose events,
CloudEvents (structured) and Evidently / alibi-detect drift reports are accepted, and what was
assumed to read them is part of each reason (naive timestamps: PRODUCER_TIME_ZONE, else the
policy's zone).

A line with "event_type": "model_training_completed" is the result of the model's oldest
RETRAIN still training (or the one its triggering_event_id names): with EVALUATION_METRIC set,
its metrics, champion_version and champion_metrics are judged as the retrain judges them.

  --time-zone TZ   IANA zone for business hours and the maintenance window (default: TIME_ZONE)
  --alerts         also show the alerts sent and what reaches people: warning batches, groups
                   (ALERT_GROUP_WAIT_SECONDS), inhibition by a critical alert, silences
  --silences FILE  silences in force (implies --alerts): a JSON array or one object per line,
                   as POST /silences takes them or \`silence list --json\` prints them
  --approvals FILE what people answer to approval requests (GUARDIAN_APPROVAL_REQUIRED): one JSON
                   object per line (or a JSON array): event_id or request_id, answer (approve or
                   reject), by, reason, at (the event time the answer comes). A request with no
                   answer gets GUARDIAN_APPROVAL_TIMEOUT_OUTCOME when its timeout passes
  --json           one JSON object per input line on stdout (problems go to stderr); with
                   --alerts, also one per message that went out ("kind": "notification"); with
                   approvals, one per request that ended ("kind": "approval_end")

Settings come from the environment as for the worker: BUSINESS_HOURS_START/END,
BUSINESS_HOURS_CRITICAL_OVERRIDE, MAINTENANCE_WINDOW_START/END, TIME_ZONE, GUARDIAN_HYSTERESIS,
EVALUATION_METRIC/DIRECTION/MIN_IMPROVEMENT/TOLERANCE, ALERT_WARNING_BATCH_SECONDS,
ALERT_INHIBIT_MINUTES, ALERT_GROUP_WAIT_SECONDS, GUARDIAN_APPROVAL_REQUIRED,
GUARDIAN_APPROVAL_TIMEOUT_MINUTES, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME.
Exit status: 0 all lines decided, 1 some lines (or answers) were invalid, 2 bad usage or
unreadable file.
`;

type Held = Extract<ApprovalHold, { held: true }>;

interface Options {
  file: string;
  timeZone?: string;
  json: boolean;
  alerts: boolean;
  silencesFile?: string;
  approvalsFile?: string;
}

function parseArgs(args: string[]): Options | string {
  let file: string | undefined;
  let timeZone: string | undefined;
  let json = false;
  let alerts = false;
  let silencesFile: string | undefined;
  let approvalsFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--alerts') alerts = true;
    else if (arg === '--silences') {
      silencesFile = args[++i];
      if (!silencesFile) return `${arg} needs a file, e.g. --silences silences.jsonl`;
    } else if (arg.startsWith('--silences=')) silencesFile = arg.slice('--silences='.length);
    else if (arg === '--approvals') {
      approvalsFile = args[++i];
      if (!approvalsFile) return `${arg} needs a file, e.g. --approvals approvals.jsonl`;
    } else if (arg.startsWith('--approvals=')) approvalsFile = arg.slice('--approvals='.length);
    else if (arg === '--time-zone' || arg === '--tz') {
      timeZone = args[++i];
      if (!timeZone) return `${arg} needs a value, e.g. --time-zone Europe/Berlin`;
    } else if (arg.startsWith('--time-zone=')) timeZone = arg.slice('--time-zone='.length);
    else if (arg.startsWith('-') && arg !== '-') return `unknown option '${arg}'`;
    else if (file === undefined) file = arg;
    else return `unexpected argument '${arg}': give one FILE`;
  }
  if (!file) return 'FILE is missing';
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    return `--time-zone '${timeZone}' is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`;
  }
  return {
    file,
    timeZone,
    json,
    alerts: alerts || silencesFile !== undefined,
    silencesFile,
    approvalsFile,
  };
}

/** The alert sender's settings, as the worker reads them. */
function alertingSettingsFor(): AlarmTimelineSettings {
  const { alerting } = loadConfig(process.env);
  return {
    warningBatchSeconds: alerting.warningBatchSeconds,
    inhibitMinutes: alerting.inhibitMinutes,
    groupWaitSeconds: alerting.groupWaitSeconds,
  };
}

/** Silences from `--silences FILE`; a message naming every bad entry when any is bad. */
function silencesFrom(file: string | undefined): TimelineSilence[] | string {
  if (file === undefined) return [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return `cannot read ${file}: ${(err as Error).message}`;
  }
  const read = readSimulatedSilences(text);
  return read.ok ? read.silences : read.errors.map((e) => `${file}: ${e}`).join('\n');
}

/** Answers from `--approvals FILE`; bad entries are reported with their line and left out. */
function answersFrom(file: string | undefined, ingest: IngestSettings): ReadAnswers | string {
  if (file === undefined) return { answers: [], errors: [] };
  try {
    return readScriptedAnswers(fs.readFileSync(file, 'utf8'), ingest.producerTimeZone);
  } catch (err) {
    return `cannot read ${file}: ${(err as Error).message}`;
  }
}

function settingsFor(options: Options): { policy: GuardianSettings; ingest: IngestSettings } {
  const config = loadConfig(process.env);
  const settings = guardianSettingsFromConfig(config);
  // A simulation runs nothing anyway; dry-run would only add noise to the reasons.
  const policy = { ...settings, dryRun: false, timeZone: options.timeZone ?? settings.timeZone };
  // Naive timestamps follow --time-zone too, unless PRODUCER_TIME_ZONE says otherwise.
  const ingest = ingestSettingsFromConfig({
    ...config,
    runtime: { ...config.runtime, timeZone: policy.timeZone },
  });
  return { policy, ingest };
}

/** The human-readable form: a headline per event, the reason indented below. */
function formatText(d: SimulatedDecision, held: Held | undefined, heldWindows: Set<string>): string {
  const verdict = d.duplicate
    ? 'duplicate, ignored'
    : held
      ? heldVerdict(d.action, held)
      : d.outcome === 'skip'
        ? `${d.action} skipped`
        : d.outcome === 'defer'
          ? `${d.action} scheduled for ${d.scheduled_for}`
          : `${d.action} executed`;
  // A window run held for approval is printed with its request instead.
  const ran = (d.scheduled_retrains_ran ?? [])
    .filter((r) => !heldWindows.has(r.event_id))
    .map(
      (r) =>
        `  ${r.ran_at}  ${d.model_name}  scheduled RETRAIN of event ${r.event_id} ran in the maintenance window\n`,
    )
    .join('');
  return `${ran}${d.timestamp}  ${d.model_name}  ${d.event_type}  ${d.severity}  →  ${verdict}\n    ${d.reason}\n`;
}

/** `mlops-guardian simulate FILE [--time-zone TZ] [--alerts] [--silences FILE] [--json]`: the loop over a JSONL file. */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const options = parseArgs(args);
  if (typeof options === 'string') {
    process.stderr.write(`simulate: ${options}\n\n${USAGE}`);
    return 2;
  }
  let settings: GuardianSettings;
  let ingest: IngestSettings;
  let alerting: AlarmTimelineSettings | undefined;
  try {
    ({ policy: settings, ingest } = settingsFor(options));
    if (options.alerts) alerting = alertingSettingsFor();
  } catch (err) {
    process.stderr.write(`simulate: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
    return 2;
  }
  const silences = silencesFrom(options.silencesFile);
  if (typeof silences === 'string') {
    process.stderr.write(`simulate: silences not read, nothing simulated:\n${silences}\n`);
    return 2;
  }
  const answers = answersFrom(options.approvalsFile, ingest);
  if (typeof answers === 'string') {
    process.stderr.write(`simulate: ${answers}\n`);
    return 2;
  }
  const approvalsOn = (settings.approval?.required.length ?? 0) > 0;
  if (options.approvalsFile !== undefined && !approvalsOn)
    process.stderr.write(
      `simulate: warning: --approvals ${options.approvalsFile} is given, but GUARDIAN_APPROVAL_REQUIRED names nothing: no decision waits, no answer applies\n`,
    );
  let input: NodeJS.ReadableStream;
  try {
    input = options.file === '-' ? process.stdin : fs.createReadStream(options.file, { encoding: 'utf8' });
    if (options.file !== '-')
      await new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    process.stderr.write(`simulate: cannot read ${options.file}: ${(err as Error).message}\n`);
    return 2;
  }

  const simulation = new LoopSimulation(settings, {
    ingest,
    idOf: (text) => deterministicUuid('event-body', text),
    alerts: alerting ? { settings: alerting, silences } : undefined,
    answers: answers.answers,
  });
  const counts = { events: 0, executed: 0, held: 0, deferred: 0, skipped: 0, duplicates: 0, invalid: 0 };
  const out = (text: string) => process.stdout.write(text);
  const err = (text: string) => process.stderr.write(text);
  const loop = new LoopPrinter(
    options.json,
    alerting !== undefined,
    out,
    approvalsOn || options.approvalsFile !== undefined
      ? { answersFile: options.approvalsFile, err }
      : undefined,
  );
  // Bad answers are reported, and counted, like the bad answers the run meets later.
  loop.approvals(
    answers.errors.map((e) => ({ kind: 'answer-error' as const, at: Number.NaN, ...e })),
    undefined,
  );
  const metric = settings.evaluation?.metric;
  if (!options.json) {
    const { businessHours: b, maintenanceWindow: w } = settings;
    out(
      `policy: time zone ${settings.timeZone}, business hours ${describeBusinessHours(b)}` +
        `${b.criticalOverride ? ' (CRITICAL overrides)' : ''}, maintenance window ${w.start}–${w.end}` +
        `${describeHysteresis(settings.hysteresis)}${describeEvaluation(settings.evaluation)}` +
        `${describeApproval(settings.approval)}\n` +
        `${alerting ? describeAlerting(alerting, silences) : ''}\n`,
    );
  }
  let line = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    line++;
    const step = simulation.feedLine(text, line);
    if (step.kind === 'blank') continue;
    if (step.kind === 'invalid') {
      loop.notifications(step.notifications ?? []);
      loop.approvals(step.approvals ?? [], metric);
      counts.invalid++;
      process.stderr.write(`${options.file}:${step.line}: ${step.error}\n`);
      continue;
    }
    loop.notifications(step.notifications);
    loop.approvals(step.approvals, metric);
    if (step.kind === 'retrain-end') {
      loop.retrainEnd(step);
      continue;
    }
    const d = step.decision;
    if (step.warning) process.stderr.write(`${options.file}:${d.line}: warning: ${step.warning}\n`);
    counts.events++;
    if (d.duplicate) counts.duplicates++;
    else if (d.outcome === 'skip') counts.skipped++;
    else if (d.outcome === 'defer') counts.deferred++;
    else if (step.held) counts.held++;
    else counts.executed++;
    if (options.json) out(`${JSON.stringify({ ...d, ...loop.decisionJson(step) })}\n`);
    else {
      const heldWindows = new Set(
        step.approvals.flatMap((a) => (a.kind === 'window-held' ? [a.eventId] : [])),
      );
      out(formatText(d, step.held, heldWindows));
      loop.decisionText(step, metric);
    }
  }

  const end = simulation.finish();
  loop.approvals(end.approvals, metric);
  loop.notifications(end.notifications);
  loop.awaiting(settings.evaluation ? end.stillTraining : []);

  const heldCount = approvalsOn ? `, ${counts.held} held for approval` : '';
  const summary =
    `${counts.events} events: ${counts.executed} executed${heldCount}, ${counts.deferred} deferred to the maintenance window, ` +
    `${counts.skipped} skipped, ${counts.duplicates} duplicate; ${counts.invalid} invalid line${counts.invalid === 1 ? '' : 's'}\n` +
    loop.summary();
  if (options.json) process.stderr.write(summary);
  else out(`\n${summary}`);
  return counts.invalid + loop.badAnswers > 0 ? 1 : 0;
}

/** `, hysteresis data_drift_detected 2 in 30 min` (nothing without rules). */
function describeHysteresis(rules: HysteresisRules | undefined): string {
  const parts = Object.entries(rules ?? {}).map(
    ([type, rule]) => `${type} ${rule.detections} in ${rule.windowMinutes} min`,
  );
  return parts.length > 0 ? `, hysteresis ${parts.join(', ')}` : '';
}
