import path from 'node:path';
import { planChunks } from '../../domain/log-analysis';
import type { ActivityDeps } from '../deps';
import { listLogFiles } from '../../backends/report/list-log-files';
import type { ReportPlan, ReportWindowInput } from '../../contracts/report-activities';

/** More chunks than this make the workflow history heavy; bigger days get bigger chunks instead. */
const MAX_CHUNKS = 64;
/** Files modified up to this long before the window are still read: their clocks may be slightly off. */
const MTIME_SLACK_MS = 3_600_000;

/** Lists the day's log files and splits them into chunks for the analysis activities. */
export function createPlanDailyReport(deps: Pick<ActivityDeps, 'config' | 'logger'>) {
  return async function planDailyReport(input: ReportWindowInput): Promise<ReportPlan> {
    const { report, runtime } = deps.config;
    const directories = report.logDirs.map((d) => path.resolve(d));
    const listing = await listLogFiles(directories, input.windowStartMs - MTIME_SLACK_MS);
    const chunks = planChunks(listing.files, {
      chunkBytes: report.chunkMb * 1024 * 1024,
      maxChunks: MAX_CHUNKS,
    });
    deps.logger.info(
      {
        activity: 'planDailyReport',
        report_date: input.reportDate,
        files: listing.files.length,
        chunks: chunks.length,
        problems: listing.problems.length,
      },
      'daily report planned',
    );
    return {
      sources: {
        directories,
        files: listing.files,
        skippedOlderFiles: listing.skippedOlder,
        directoryProblems: listing.problems,
      },
      chunks,
      parallelism: report.parallelChunks,
      textTimeZone: report.textTimeZone ?? runtime.timeZone,
    };
  };
}
