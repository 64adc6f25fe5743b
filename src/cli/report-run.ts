/**
 * `mlops-guardian report run`: the daily report on a folder of logs, in this process, with no
 * Temporal server — for a laptop or a CI job. Same analysis code and files as the workflow;
 * the JSON file's path is the last line on stdout, so a script can pick it up.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { writeReportInProcess, InProcessProgress } from '../activities/report/report-in-process';
import { humanSummary, isKnownTimeZone, isReportDate, localDateAt } from '../domain/log-analysis';
import { createLogger } from '../logger';

const USAGE = `usage: mlops-guardian report run --date YYYY-MM-DD [--time-zone TZ] --logs DIR[,DIR…] --out DIR

Writes daily_log_report_YYYYMMDD.json and .html for one date into --out, from the logs in the
--logs folders (and their sub-folders), in this process: no Temporal server needed.

  --date DATE      the report date; the report covers that calendar day in the time zone
  --time-zone TZ   IANA zone of the report day (default: TIME_ZONE); zone-less text
                   timestamps are read in it too unless REPORT_TEXT_TIME_ZONE is set
  --logs DIRS      comma-separated log folders
  --out DIR        where the report files go (created if missing)

Prints a short summary, the HTML path, and the JSON path as the last line.
Exit status: 0 written, 1 a folder or file could not be read or the report not written,
2 bad usage.
`;

/** Inputs below this size finish before a progress line would help. */
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;
const PROGRESS_EVERY_MS = 1_000;
const MIB = 1024 * 1024;

class UsageError extends Error {}
/** A problem with the inputs or the output that the person running the command must fix. */
class RunError extends Error {}

interface RunOptions {
  date: string;
  timeZone: string;
  logDirs: string[];
  outDir: string;
}

function options(args: string[]): RunOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        date: { type: 'string' },
        'time-zone': { type: 'string' },
        logs: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { date, logs, out } = parsed;
  if (!date) throw new UsageError('--date is required');
  if (!logs) throw new UsageError('--logs is required');
  if (!out) throw new UsageError('--out is required');
  const timeZone = parsed['time-zone'] ?? loadConfig().runtime.timeZone;
  if (!isKnownTimeZone(timeZone)) throw new UsageError(`--time-zone '${timeZone}' is not an IANA time zone`);
  if (!isReportDate(date)) throw new UsageError(`--date '${date}' is not a date: expected YYYY-MM-DD`);
  if (date > localDateAt(Date.now(), timeZone))
    throw new UsageError(`${date} is in the future in ${timeZone}`);
  const logDirs = logs
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (logDirs.length === 0) throw new UsageError('--logs names no folder');
  return { date, timeZone, logDirs, outDir: out };
}

/** The workflow reports a missing folder as a finding; here the person can fix it right away. */
async function requireFolders(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
      throw new RunError(
        err.code === 'ENOENT'
          ? `logs folder ${dir} does not exist`
          : `cannot read logs folder ${dir}: ${err.message}`,
      );
    });
    if (!info.isDirectory()) throw new RunError(`${dir} is not a folder`);
  }
}

/** A progress line on stderr, redrawn in place; only for a person watching a terminal. */
function progressLine(): ((p: InProcessProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shownAt = 0;
  return (p) => {
    if (p.totalBytes < PROGRESS_MIN_BYTES || Date.now() - shownAt < PROGRESS_EVERY_MS) return;
    shownAt = Date.now();
    const done = Math.min(p.doneBytes, p.totalBytes);
    process.stderr.write(
      `\ranalysing logs: ${Math.round(done / MIB)} of ~${Math.round(p.totalBytes / MIB)} MiB (${Math.floor((100 * done) / p.totalBytes)} %)`,
    );
  };
}

async function runReport(o: RunOptions): Promise<number> {
  await requireFolders(o.logDirs);
  let config;
  try {
    config = loadConfig({
      ...process.env,
      TIME_ZONE: o.timeZone,
      REPORT_LOG_DIRS: o.logDirs.join(','),
      REPORT_OUTPUT_DIR: o.outDir,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new RunError(err.message);
    throw err;
  }
  const logger = createLogger({ level: 'silent', pretty: false });
  const progress = progressLine();
  let result;
  try {
    result = await writeReportInProcess({ config, logger }, o.date, o.timeZone, progress);
  } finally {
    if (progress) process.stderr.write('\r\x1b[K');
  }
  if (result.status === 'unreadable') {
    const lines = result.problems.map((p) => `cannot read ${p.source}: ${p.problem}`);
    if (result.more > 0) lines.push(`… and ${result.more} more`);
    throw new RunError(`${lines.join('\n')}\nno report written: fix the sources above and run again`);
  }
  process.stdout.write(
    `${humanSummary(result.report)}\n${result.written.htmlPath}\n${result.written.jsonPath}\n`,
  );
  return 0;
}

/** Entry point of `mlops-guardian report run`. */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return await runReport(options(args));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof RunError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    // writeDailyReport's failure already says which folder and why.
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}
