import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { DailyReport, humanSummary } from '../../domain/log-analysis';
import type { ActivityDeps } from '../deps';
import { informationAlarmsText, readInformationAlarms } from './information-alarms';
import { renderReportHtml } from './render-html';
import { REPORT_OUTPUT_FAILURE, WrittenReport } from '../../contracts/report-activities';

/** `daily_log_report_YYYYMMDD` for a YYYY-MM-DD report date. */
export function reportFileStem(reportDate: string): string {
  return `daily_log_report_${reportDate.replace(/-/g, '')}`;
}

// Write-then-rename, so a reader (or a crash) never sees half a report.
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

const NOT_FIXABLE_BY_RETRY = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST']);

/**
 * Writes the JSON and HTML report (overwriting an earlier run for the same date). With PostgreSQL
 * (the worker, not `report run`), the day's information alarms join it: low-priority alarms go
 * to nobody's channel, so the daily report is where a person sees them.
 */
export function createWriteDailyReport(deps: Pick<ActivityDeps, 'config' | 'logger'> & { pool?: Pool }) {
  return async function writeDailyReport(report: DailyReport): Promise<WrittenReport> {
    const dir = path.resolve(deps.config.report.outputDir);
    const stem = reportFileStem(report.reportDate);
    const jsonPath = path.join(dir, `${stem}.json`);
    const htmlPath = path.join(dir, `${stem}.html`);
    const information = deps.pool ? await readInformationAlarms(deps.pool, report.window) : undefined;
    const summary = information
      ? `${humanSummary(report)}\n${informationAlarmsText(information)}`
      : humanSummary(report);
    const written = information ? { ...report, informationAlarms: information } : report;
    try {
      await mkdir(dir, { recursive: true });
      // The HTML first: whoever waits for the JSON (a person, a script, a test) finds both.
      await writeAtomically(htmlPath, renderReportHtml(report, summary));
      await writeAtomically(jsonPath, JSON.stringify(written, null, 2) + '\n');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw ApplicationFailure.create({
        type: REPORT_OUTPUT_FAILURE,
        message: `cannot write the report to ${dir} (${e.code ?? e.message}): check the output folder (REPORT_OUTPUT_DIR, or --out of report run) and its permissions`,
        nonRetryable: NOT_FIXABLE_BY_RETRY.has(e.code ?? ''),
        cause: e,
      });
    }
    deps.logger.info(
      { activity: 'writeDailyReport', report_date: report.reportDate, json: jsonPath, html: htmlPath },
      'daily report written',
    );
    return { jsonPath, htmlPath, summary };
  };
}
