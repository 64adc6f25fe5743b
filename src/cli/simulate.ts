import fs from 'node:fs';
import readline from 'node:readline';
import { deterministicUuid } from '../backends/deterministic-id';
import { ConfigError, loadConfig } from '../config';
import { ingestSettingsFromConfig } from '../config/ingest';
import type { IngestSettings } from '../domain/ingest/read-event';
import {
  describeBusinessHours,
  guardianSettingsFromConfig,
  isValidTimeZone,
  PolicySimulation,
  type GuardianSettings,
  type HysteresisRules,
  type SimulatedDecision,
} from '../domain/policy';

const USAGE = `usage: mlops-guardian simulate FILE [--time-zone TZ] [--json]

Feeds a JSONL file of timestamped model events through the auto-response policy (the code the
guardian runs) and prints the decision for each event, with its reason. No Temporal needed.
Each event is decided at its own timestamp, one policy state per model, in file order.
Lines are read exactly as the bridge reads messages: the reference producer's loose events,
CloudEvents (structured) and Evidently / alibi-detect drift reports are accepted, and what was
assumed to read them is part of each reason (naive timestamps: PRODUCER_TIME_ZONE, else the
policy's zone).

  --time-zone TZ   IANA zone for business hours and the maintenance window (default: TIME_ZONE)
  --json           one JSON object per input event on stdout (problems go to stderr)

Policy settings come from the environment as for the worker: BUSINESS_HOURS_START/END,
BUSINESS_HOURS_CRITICAL_OVERRIDE, MAINTENANCE_WINDOW_START/END, TIME_ZONE.
Exit status: 0 all lines decided, 1 some lines were invalid, 2 bad usage or unreadable file.
`;

interface Options {
  file: string;
  timeZone?: string;
  json: boolean;
}

function parseArgs(args: string[]): Options | string {
  let file: string | undefined;
  let timeZone: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
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
  return { file, timeZone, json };
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
function formatText(d: SimulatedDecision): string {
  const verdict = d.duplicate
    ? 'duplicate, ignored'
    : d.outcome === 'skip'
      ? `${d.action} skipped`
      : d.outcome === 'defer'
        ? `${d.action} scheduled for ${d.scheduled_for}`
        : `${d.action} executed`;
  const ran = (d.scheduled_retrains_ran ?? [])
    .map(
      (r) =>
        `  ${r.ran_at}  ${d.model_name}  scheduled RETRAIN of event ${r.event_id} ran in the maintenance window\n`,
    )
    .join('');
  return `${ran}${d.timestamp}  ${d.model_name}  ${d.event_type}  ${d.severity}  →  ${verdict}\n    ${d.reason}\n`;
}

/** `mlops-guardian simulate FILE [--time-zone TZ] [--json]`: the policy over a JSONL file. */
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
  try {
    ({ policy: settings, ingest } = settingsFor(options));
  } catch (err) {
    process.stderr.write(`simulate: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
    return 2;
  }
  let input: NodeJS.ReadableStream;
  try {
    input = options.file === '-' ? process.stdin : fs.createReadStream(options.file, { encoding: 'utf8' });
    if (options.file !== '-')
      await new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    process.stderr.write(`simulate: cannot read ${options.file}: ${(err as Error).message}\n`);
    return 2;
  }

  const simulation = new PolicySimulation(settings, {
    ingest,
    idOf: (text) => deterministicUuid('event-body', text),
  });
  const counts = { events: 0, executed: 0, deferred: 0, skipped: 0, duplicates: 0, invalid: 0 };
  if (!options.json) {
    const { businessHours: b, maintenanceWindow: w } = settings;
    process.stdout.write(
      `policy: time zone ${settings.timeZone}, business hours ${describeBusinessHours(b)}` +
        `${b.criticalOverride ? ' (CRITICAL overrides)' : ''}, maintenance window ${w.start}–${w.end}` +
        `${describeHysteresis(settings.hysteresis)}\n\n`,
    );
  }
  let line = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    line++;
    const step = simulation.feedLine(text, line);
    if (step.kind === 'blank') continue;
    if (step.kind === 'invalid') {
      counts.invalid++;
      process.stderr.write(`${options.file}:${step.line}: ${step.error}\n`);
      continue;
    }
    const d = step.decision;
    if (step.warning) process.stderr.write(`${options.file}:${d.line}: warning: ${step.warning}\n`);
    counts.events++;
    if (d.duplicate) counts.duplicates++;
    else if (d.outcome === 'skip') counts.skipped++;
    else if (d.outcome === 'defer') counts.deferred++;
    else counts.executed++;
    process.stdout.write(options.json ? `${JSON.stringify(d)}\n` : formatText(d));
  }

  const summary =
    `${counts.events} events: ${counts.executed} executed, ${counts.deferred} deferred to the maintenance window, ` +
    `${counts.skipped} skipped, ${counts.duplicates} duplicate; ${counts.invalid} invalid line${counts.invalid === 1 ? '' : 's'}\n`;
  if (options.json) process.stderr.write(summary);
  else process.stdout.write(`\n${summary}`);
  return counts.invalid > 0 ? 1 : 0;
}

/** `, hysteresis data_drift_detected 2 in 30 min` (nothing without rules). */
function describeHysteresis(rules: HysteresisRules | undefined): string {
  const parts = Object.entries(rules ?? {}).map(
    ([type, rule]) => `${type} ${rule.detections} in ${rule.windowMinutes} min`,
  );
  return parts.length > 0 ? `, hysteresis ${parts.join(', ')}` : '';
}
