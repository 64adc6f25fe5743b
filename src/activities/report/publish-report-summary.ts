import type { ActivityDeps } from '../deps';
import type { ReportSummaryEvent } from '../../contracts/report-activities';

/** The short summary on the reports topic, keyed by report date. */
export function createPublishReportSummary(deps: Pick<ActivityDeps, 'config' | 'publisher'>) {
  return async function publishReportSummary(event: ReportSummaryEvent): Promise<void> {
    await deps.publisher.publish(
      deps.config.kafka.topicReports,
      event.reportDate,
      'daily_log_report',
      {
        report_date: event.reportDate,
        health_score: event.score,
        grade: event.grade,
        total_errors: event.totalErrors,
        critical_errors: event.criticalErrors,
        slow_operations: event.slowOperations,
        lines_in_window: event.linesInWindow,
        summary: event.summary,
        json_path: event.jsonPath,
        html_path: event.htmlPath,
      },
      event.eventId,
    );
  };
}
