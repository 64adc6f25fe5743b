import type { ActivityDeps } from '../deps';
import { createAnalyseLogChunk } from './analyse-log-chunk';
import { createPlanDailyReport } from './plan-daily-report';
import { createPublishReportSummary } from './publish-report-summary';
import { createRaiseReportAlert } from './raise-report-alert';
import type { ReportActivities } from '../../contracts/report-activities';
import { createWriteDailyReport } from './write-daily-report';

export * from '../../contracts/report-activities';

/** The daily report's activities, built from injected clients. */
export function createReportActivities(deps: ActivityDeps): ReportActivities {
  return {
    planDailyReport: createPlanDailyReport(deps),
    analyseLogChunk: createAnalyseLogChunk(deps),
    writeDailyReport: createWriteDailyReport(deps),
    publishReportSummary: createPublishReportSummary(deps),
    raiseReportAlert: createRaiseReportAlert(deps),
  };
}
