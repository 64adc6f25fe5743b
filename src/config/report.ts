import { z } from 'zod';
import { parseSettings, setting, SettingsValues } from './setting';

/** Settings of the daily log report. */
export const reportSettings = {
  logDirs: setting({
    env: 'REPORT_LOG_DIRS',
    schema: z
      .string()
      .default('logs')
      .transform((s) => s.split(',').map((d) => d.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1)),
    description: 'Comma-separated directories whose logs (pino JSON, text, rotated, .gz) the daily report reads.',
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
};

export type ReportConfig = SettingsValues<typeof reportSettings>;

export function parseReportConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(reportSettings, env);
}
