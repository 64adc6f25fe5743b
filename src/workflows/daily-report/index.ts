export { dailyLogReportWorkflow } from './workflow';
export type { DailyReportInput, DailyReportResult } from '../../contracts/workflows';
