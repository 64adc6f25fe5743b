import {
  defineSearchAttributeKey,
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import {
  ApplicationFailure,
  executeChild,
  log,
  proxyActivities,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { LogAggregate } from '../../domain/log-analysis/aggregate';
import type { LogChunk } from '../../domain/log-analysis/chunk-plan';
import type { ReportActivities } from '../../contracts/report-activities';
import { mergeAllAggregates } from '../../domain/log-analysis/aggregate';
import { buildDailyReport } from '../../domain/log-analysis/daily-report';
import { isReportDate, reportDateForRunAt, reportWindow } from '../../domain/log-analysis/report-window';
import { isKnownTimeZone } from '../../domain/log-analysis/zoned-time';
import {
  dailyReportWorkflowId,
  type DailyReportInput,
  type DailyReportResult,
} from '../../contracts/workflows';
import { REPORT_DATE } from '../../contracts/search-attributes';
import { ANALYSE_OPTIONS, OUTPUT_OPTIONS, PLAN_OPTIONS } from './activities';

const { planDailyReport } = proxyActivities<ReportActivities>(PLAN_OPTIONS);
const { analyseLogChunk } = proxyActivities<ReportActivities>(ANALYSE_OPTIONS);
const { writeDailyReport, publishReportSummary, raiseReportAlert } =
  proxyActivities<ReportActivities>(OUTPUT_OPTIONS);

/** Set by Temporal on every run a Schedule starts: the time the run was scheduled for. */
const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/** Runs `work` on every item with at most `limit` at a time; results keep the items' order. */
async function mapWithLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

/**
 * The daily log report: one run per report date (workflow id by date). Lists the day's logs,
 * analyses them in chunks on separate heartbeating activities, merges the chunks, writes the
 * JSON and HTML report, publishes a summary and raises an ALERT when the grade is Poor.
 */
export async function dailyLogReportWorkflow(input: DailyReportInput): Promise<DailyReportResult> {
  if (!isKnownTimeZone(input.timeZone)) {
    throw ApplicationFailure.nonRetryable(
      `unknown time zone '${input.timeZone}': expected an IANA zone`,
      'InvalidReportInput',
    );
  }
  if (input.reportDate === undefined) return runForScheduledTime(input.timeZone);
  if (!isReportDate(input.reportDate)) {
    throw ApplicationFailure.nonRetryable(
      `'${input.reportDate}' is not a report date: expected YYYY-MM-DD`,
      'InvalidReportInput',
    );
  }
  return writeReport(input.reportDate, input.timeZone);
}

async function runForScheduledTime(timeZone: string): Promise<DailyReportResult> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  const runAt = scheduledAt ? new Date(scheduledAt).getTime() : info.startTime.getTime();
  const reportDate = reportDateForRunAt(runAt, timeZone);
  const workflowId = dailyReportWorkflowId(reportDate);
  if (info.workflowId === workflowId) return writeReport(reportDate, timeZone);
  log.info('scheduled daily report', { reportDate, scheduledAt: new Date(runAt).toISOString() });
  try {
    return await executeChild(dailyLogReportWorkflow, {
      workflowId,
      args: [{ timeZone, reportDate }],
      typedSearchAttributes: [{ key: REPORT_DATE, value: reportDate }],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      log.info('a report for this date is already running', { reportDate, workflowId });
      return { status: 'already-running', reportDate, workflowId };
    }
    throw err;
  }
}

async function writeReport(reportDate: string, timeZone: string): Promise<DailyReportResult> {
  upsertSearchAttributes([{ key: REPORT_DATE, value: reportDate }]);
  const window = reportWindow(reportDate, timeZone);
  const plan = await planDailyReport({
    reportDate,
    timeZone,
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
  });
  log.info('analysing logs', { reportDate, files: plan.sources.files.length, chunks: plan.chunks.length });

  const parts: LogAggregate[] = await mapWithLimit(plan.chunks, plan.parallelism, (chunk: LogChunk) =>
    analyseLogChunk({
      chunk,
      windowStartMs: window.startMs,
      windowEndMs: window.endMs,
      textTimeZone: plan.textTimeZone,
    }),
  );
  const merged = mergeAllAggregates(window.startMs, window.endMs, parts);
  const report = buildDailyReport(window, merged, plan.sources, Date.now());
  const written = await writeDailyReport(report);

  // The figures the Kafka summary and the workflow result share.
  const headline = {
    reportDate,
    score: report.health.score,
    grade: report.health.grade,
    totalErrors: report.errorAnalysis.totalErrors,
    criticalErrors: report.errorAnalysis.criticalErrors,
    slowOperations: report.performanceAnalysis.slowOperations,
    jsonPath: written.jsonPath,
    htmlPath: written.htmlPath,
  };
  await publishReportSummary({
    ...headline,
    eventId: uuid4(),
    linesInWindow: report.totals.inWindow,
    summary: written.summary,
  });
  const alerted = report.health.grade === 'Poor';
  if (alerted) {
    await raiseReportAlert({
      alertId: uuid4(),
      reportDate,
      title: `Daily log report ${reportDate}: health ${report.health.score}/100 (Poor)`,
      message: written.summary,
      time: new Date().toISOString(),
    });
  }
  return {
    status: 'written',
    ...headline,
    alerted,
    findings: report.findings.slice(0, 10),
  };
}
