/**
 * `mlops-guardian report …`: the daily log report from the command line.
 *
 *   report now [--date YYYY-MM-DD] [--no-wait]   write the report for a date (default: yesterday)
 *   report backfill FROM TO                      let the schedule run every date FROM..TO, one at a time
 *   report pause [--reason TEXT]                 pause the daily schedule
 *   report resume [--reason TEXT]                resume it
 *   report describe                              show the schedule: spec, state, next and recent runs
 *   report run --date D --logs DIRS --out DIR    the report in this process, no Temporal (report-run.ts)
 *
 * The others talk to the Temporal server of TEMPORAL_ADDRESS (unset: the local one `npm start` runs).
 */
import {
  Client,
  ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { loadConfig, Config } from '../config';
import { connectToTemporal as connect } from './temporal-connection';
import {
  backfillSpan,
  datesBetween,
  isReportDate,
  localDateAt,
  reportDateForRunAt,
} from '../domain/log-analysis';
import {
  DAILY_REPORT_SCHEDULE_ID,
  DAILY_REPORT_WORKFLOW_TYPE,
  dailyReportWorkflowId,
} from '../contracts/workflows';
import type { DailyReportInput, DailyReportResult } from '../contracts/workflows';
import { REPORT_DATE } from '../contracts/search-attributes';
import { type ParsedArgs, parseCommandArgs, UsageError } from './command-args';

const USAGE = `usage: mlops-guardian report <command>

  now [--date YYYY-MM-DD] [--no-wait]   write the report for a date (default: yesterday in TIME_ZONE)
  backfill FROM TO                      run the schedule for every date FROM..TO (YYYY-MM-DD), one at a time
  pause [--reason TEXT]                 pause the daily schedule
  resume [--reason TEXT]                resume the daily schedule
  describe                              the schedule: spec, state, next and recent runs
  run --date YYYY-MM-DD [--time-zone TZ] --logs DIR[,DIR…] --out DIR
                                        the report on a folder in this process, no Temporal (run --help)

options: --schedule-id ID (default ${DAILY_REPORT_SCHEDULE_ID})
`;
const MAX_BACKFILL_DAYS = 366;

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} h` : `${Math.round(ms / 60_000)} min`;
}

function describeSchedule(d: ScheduleDescription, timeZone: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const zone = d.spec.timezone ?? 'UTC';
  const calendars = (d.spec.calendars ?? []).map((c) => {
    const hours = c.hour.map((r) => pad(r.start)).join(',');
    const minutes = c.minute.map((r) => pad(r.start)).join(',');
    return `daily at ${hours}:${minutes} ${zone}${c.comment ? ` (${c.comment})` : ''}`;
  });
  const when = (t: Date) => `${t.toISOString()} (report for ${reportDateForRunAt(t.getTime(), timeZone)})`;
  const lines = [
    `schedule:        ${d.scheduleId}`,
    `state:           ${d.state.paused ? 'PAUSED' : 'active'}${d.state.note ? ` — ${d.state.note}` : ''}`,
    `spec:            ${calendars.join('; ') || '(no calendar)'}`,
    `workflow:        ${d.action.workflowType} on task queue ${d.action.taskQueue}`,
    `overlap policy:  ${d.policies.overlap}`,
    `catch-up window: ${formatDuration(d.policies.catchupWindow)}`,
    `actions taken:   ${d.info.numActionsTaken} (skipped for overlap: ${d.info.numActionsSkippedOverlap}, missed catch-up window: ${d.info.numActionsMissedCatchupWindow})`,
    'next runs:',
    ...d.info.nextActionTimes.slice(0, 3).map((t) => `  ${when(t)}`),
    'recent runs:',
    ...(d.info.recentActions.length === 0
      ? ['  (none yet)']
      : d.info.recentActions
          .slice(-5)
          .map((a) => `  ${when(a.scheduledAt)} → ${a.action.workflow.workflowId}`)),
  ];
  if (d.info.runningActions.length > 0) {
    lines.push('running:', ...d.info.runningActions.map((a) => `  ${a.workflow.workflowId}`));
  }
  return lines.join('\n');
}

/** The date `report now` writes: --date, or the last finished local day. */
function reportNowDate(config: Config, parsed: ParsedArgs): string {
  const timeZone = config.runtime.timeZone;
  const date = (parsed.options.get('date') as string | undefined) ?? reportDateForRunAt(Date.now(), timeZone);
  if (!isReportDate(date)) throw new UsageError(`--date '${date}' is not a date: expected YYYY-MM-DD`);
  if (date > localDateAt(Date.now(), timeZone))
    throw new UsageError(`${date} is in the future in ${timeZone}`);
  return date;
}

async function reportNow(client: Client, config: Config, date: string, wait: boolean): Promise<number> {
  const timeZone = config.runtime.timeZone;
  const workflowId = dailyReportWorkflowId(date);
  const input: DailyReportInput = { timeZone, reportDate: date };
  let handle;
  try {
    handle = await client.workflow.start(DAILY_REPORT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: REPORT_DATE, value: date }],
    });
    process.stdout.write(`started ${workflowId} on task queue ${config.temporal.taskQueue}\n`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle(workflowId);
    process.stdout.write(`a report for ${date} is already running (${workflowId}); waiting for it\n`);
  }
  if (!wait) return 0;
  process.stdout.write('waiting for a worker to write it (Ctrl-C stops waiting; the report still runs)…\n');
  const result = (await handle.result()) as DailyReportResult;
  if (result.status !== 'written') {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  process.stdout.write(
    `report ${result.reportDate}: health ${result.score}/100 (${result.grade}), ${result.totalErrors} errors ` +
      `(${result.criticalErrors} critical), ${result.slowOperations} slow operations${result.alerted ? ' — ALERT raised' : ''}\n` +
      `  ${result.jsonPath}\n  ${result.htmlPath}\n` +
      result.findings.map((f) => `  finding: ${f}\n`).join(''),
  );
  return 0;
}

/** The dates of `report backfill FROM TO`, checked. */
function backfillDates(parsed: ParsedArgs): { from: string; to: string; dates: string[] } {
  const [from, to] = parsed.positional;
  if (!from || !to || parsed.positional.length !== 2)
    throw new UsageError('backfill needs FROM and TO dates (YYYY-MM-DD)');
  for (const d of [from, to])
    if (!isReportDate(d)) throw new UsageError(`'${d}' is not a date: expected YYYY-MM-DD`);
  let dates: string[];
  try {
    dates = datesBetween(from, to);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (dates.length > MAX_BACKFILL_DAYS)
    throw new UsageError(`at most ${MAX_BACKFILL_DAYS} days at once (asked for ${dates.length})`);
  return { from, to, dates };
}

async function backfill(
  client: Client,
  config: Config,
  range: { from: string; to: string; dates: string[] },
  scheduleId: string,
): Promise<number> {
  const { from, to, dates } = range;
  const span = backfillSpan(from, to, config.runtime.timeZone);
  // BUFFER_ALL: every date runs, one after the other — never two at once, none dropped.
  await client.schedule.getHandle(scheduleId).backfill({
    start: new Date(span.startMs),
    end: new Date(span.endMs),
    overlap: ScheduleOverlapPolicy.BUFFER_ALL,
  });
  process.stdout.write(
    `backfill requested: ${dates.length} report${dates.length === 1 ? '' : 's'} (${from} … ${to}), run one at a time\n`,
  );
  return 0;
}

/** Entry point of `mlops-guardian report`. */
export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'run') return (await import('./report-run')).run(rest);
  try {
    const parsed = parseCommandArgs(rest, ['date', 'reason', 'schedule-id'], ['no-wait']);
    const scheduleId = (parsed.options.get('schedule-id') as string | undefined) ?? DAILY_REPORT_SCHEDULE_ID;
    if (!['now', 'backfill', 'pause', 'resume', 'describe'].includes(command))
      throw new UsageError(`unknown report command '${command}'`);
    if (command !== 'backfill' && parsed.positional.length > 0)
      throw new UsageError(`unexpected argument '${parsed.positional[0]}'`);
    const config = loadConfig();
    // Everything a person typed is checked before any connection is tried.
    const date = command === 'now' ? reportNowDate(config, parsed) : undefined;
    const range = command === 'backfill' ? backfillDates(parsed) : undefined;
    const temporal = await connect(config);
    try {
      const client = temporal.client;
      const reason = parsed.options.get('reason') as string | undefined;
      switch (command) {
        case 'now':
          return await reportNow(client, config, date!, !parsed.options.has('no-wait'));
        case 'backfill':
          return await backfill(client, config, range!, scheduleId);
        case 'pause':
          await client.schedule.getHandle(scheduleId).pause(reason ?? 'paused from the command line');
          process.stdout.write(`schedule ${scheduleId} paused\n`);
          return 0;
        case 'resume':
          await client.schedule.getHandle(scheduleId).unpause(reason ?? 'resumed from the command line');
          process.stdout.write(`schedule ${scheduleId} resumed\n`);
          return 0;
        default:
          process.stdout.write(
            describeSchedule(
              await client.schedule.getHandle(scheduleId).describe(),
              config.runtime.timeZone,
            ) + '\n',
          );
          return 0;
      }
    } finally {
      await temporal.close();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ScheduleNotFoundError) {
      process.stderr.write(
        `no schedule '${(err as ScheduleNotFoundError).scheduleId}': the worker creates it when it starts (npm start)\n`,
      );
      return 1;
    }
    throw err;
  }
}
