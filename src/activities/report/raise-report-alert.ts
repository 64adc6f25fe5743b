import { processWorkerMetrics } from '../../metrics/worker-metrics';
import type { ActivityDeps } from '../deps';
import type { ReportAlert } from '../../contracts/report-activities';

/** An ALERT on system.alerts, in the same shape as the auto-response alerts. */
export function createRaiseReportAlert(
  deps: Pick<ActivityDeps, 'config' | 'logger' | 'publisher' | 'workerMetrics'>,
) {
  const metrics = deps.workerMetrics ?? processWorkerMetrics;
  return async function raiseReportAlert(alert: ReportAlert): Promise<void> {
    await deps.publisher
      .publish(
        deps.config.kafka.topicAlerts,
        'daily-log-report',
        'alert',
        {
          alert_id: alert.alertId,
          model_name: null,
          title: alert.title,
          message: alert.message,
          priority: 'high',
          time: alert.time,
          report_date: alert.reportDate,
        },
        alert.alertId,
      )
      .catch((err: unknown) => {
        metrics.alarmFailed('report', 'kafka');
        throw err;
      });
    metrics.alarmSent('report', 'kafka', alert.time);
    deps.logger.warn({ activity: 'raiseReportAlert', report_date: alert.reportDate }, alert.title);
  };
}
