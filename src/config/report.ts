import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { booleanFlag, ianaTimeZone, parseSettings, positiveInt, setting, SettingsValues } from './setting';

/** Settings of the daily log report. */
export const reportSettings = {
  logDirs: setting({
    env: 'REPORT_LOG_DIRS',
    schema: z
      .string()
      .default('logs')
      .transform((s) =>
        s
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1)),
    description:
      "Comma-separated directories whose logs (pino JSON, text, rotated, .gz) the daily report reads. Unset: LOG_FILE_DIR when that is set (the product's own logs), otherwise logs.",
    expects: 'a comma-separated list of directories',
    defaultText: 'logs',
  }),
  outputDir: setting({
    env: 'REPORT_OUTPUT_DIR',
    schema: z.string().min(1).default('reports'),
    description: 'Where daily_log_report_YYYYMMDD.json and .html are written.',
    expects: 'a directory path',
    defaultText: 'reports',
  }),
  scheduleTime: setting({
    env: 'REPORT_SCHEDULE_TIME',
    schema: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .default('00:15'),
    description: 'Daily time (HH:MM, in TIME_ZONE) the report runs for the previous 24 h.',
    expects: 'a time HH:MM, e.g. 00:15',
    defaultText: '00:15',
  }),
  scheduleEnabled: setting({
    env: 'REPORT_SCHEDULE_ENABLED',
    schema: booleanFlag.default(true),
    description: 'Create or update the daily report Temporal Schedule when the worker starts.',
    expects: 'true or false',
    defaultText: 'true',
  }),
  textTimeZone: setting({
    env: 'REPORT_TEXT_TIME_ZONE',
    schema: ianaTimeZone.optional(),
    description: 'Zone of zone-less timestamps in text logs ([YYYY-MM-DD HH:MM:SS]). Unset: TIME_ZONE.',
    expects: 'an IANA time zone, e.g. UTC or Europe/Berlin',
  }),
  chunkMb: setting({
    env: 'REPORT_CHUNK_MB',
    schema: positiveInt.default(128),
    description: 'Log text per analysis activity; bigger days are split into more activities (at most 64).',
    expects: 'a positive number of MiB',
    defaultText: '128',
  }),
  parallelChunks: setting({
    env: 'REPORT_PARALLEL_CHUNKS',
    schema: positiveInt.default(2),
    description: 'Analysis activities a report runs at the same time.',
    expects: 'a positive integer',
    defaultText: '2',
  }),
  analysisThreads: setting({
    env: 'REPORT_ANALYSIS_THREADS',
    schema: z.coerce.number().int().min(0).max(64).default(availableParallelism()),
    description:
      "Threads a worker analyses log chunks on, so parallel chunks use several cores; 0 analyses on the activity's own thread. Unset: the machine's CPU count.",
    expects: 'an integer from 0 to 64',
  }),
  maxLineKb: setting({
    env: 'REPORT_MAX_LINE_KB',
    schema: positiveInt.default(256),
    description: 'Longer lines are counted as malformed instead of being held in memory.',
    expects: 'a positive number of KiB',
    defaultText: '256',
  }),
};

export type ReportConfig = SettingsValues<typeof reportSettings>;

export function parseReportConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(reportSettings, env);
}
