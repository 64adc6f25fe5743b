export { dailyLogReportWorkflow } from './daily-log-report-workflow';
export type { DailyReportInput, DailyReportResult } from './daily-log-report-workflow';
