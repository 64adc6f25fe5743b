/**
 * The daily report without Temporal, for `mlops-guardian report run`: the same steps as
 * dailyLogReportWorkflow's writeReport — plan, analyse every chunk, merge, build, write — on
 * the same activity code, chunk after chunk in this process. Memory stays within one chunk's
 * analysis, as on a worker.
 */
import {
  buildDailyReport,
  DailyReport,
  LogAggregate,
  mergeAllAggregates,
  reportWindow,
  SourceProblem,
} from '../../domain/log-analysis';
import type { ActivityDeps } from '../deps';
import { createPlanDailyReport } from './plan-daily-report';
import { chunkAnalyzer, readChunk } from './read-chunk';
import type { WrittenReport } from '../../contracts/report-activities';
import { createWriteDailyReport } from './write-daily-report';

export interface InProcessProgress {
  /** Estimated plain-text bytes of the whole day (a .gz weighs more than its size). */
  totalBytes: number;
  /** Bytes read so far. */
  doneBytes: number;
}

export type InProcessReport =
  | { status: 'written'; report: DailyReport; written: WrittenReport }
  /** Some source could not be read: no report is written, so no incomplete one passes for whole. */
  | { status: 'unreadable'; problems: SourceProblem[]; more: number };

/** Writes the report for `reportDate` in `timeZone` from the configured log directories. */
export async function writeReportInProcess(
  deps: Pick<ActivityDeps, 'config' | 'logger'>,
  reportDate: string,
  timeZone: string,
  onProgress?: (progress: InProcessProgress) => void,
): Promise<InProcessReport> {
  const window = reportWindow(reportDate, timeZone);
  const plan = await createPlanDailyReport(deps)({
    reportDate,
    timeZone,
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
  });
  if (plan.sources.directoryProblems.length > 0)
    return { status: 'unreadable', problems: plan.sources.directoryProblems, more: 0 };

  const progress = { totalBytes: plan.chunks.reduce((n, c) => n + c.weight, 0), doneBytes: 0 };
  const parts: LogAggregate[] = [];
  for (const chunk of plan.chunks) {
    const analyzer = chunkAnalyzer(
      { windowStartMs: window.startMs, windowEndMs: window.endMs, textTimeZone: plan.textTimeZone },
      Date.now(),
    );
    await readChunk(analyzer, chunk, {
      maxLineBytes: deps.config.report.maxLineKb * 1024,
      afterBlock: (_, bytes) => {
        progress.doneBytes += bytes;
        onProgress?.(progress);
      },
    });
    parts.push(analyzer.snapshot());
  }
  const merged = mergeAllAggregates(window.startMs, window.endMs, parts);
  if (merged.problems.length > 0)
    return { status: 'unreadable', problems: merged.problems, more: merged.problemsNotKept };
  const report = buildDailyReport(window, merged, plan.sources, Date.now());
  return { status: 'written', report, written: await createWriteDailyReport(deps)(report) };
}
