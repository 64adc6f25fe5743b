import { processWorkerMetrics } from '../../metrics/worker-metrics';
import { alertSenderOf, deliveryDeadline } from '../alerting';
import type { ActivityDeps } from '../deps';
import type { ReportAlert } from '../../contracts/report-activities';

/**
 * An ALERT on system.alerts, in the same shape as the auto-response alerts, then to people through
 * the alert sender (a high-priority warning: the next warning batch).
 */
export function createRaiseReportAlert(deps: ActivityDeps) {
  const metrics = deps.workerMetrics ?? processWorkerMetrics;
  const sender = alertSenderOf(deps);
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
    await sender.send(
      {
        alarmId: alert.alertId,
        source: 'report',
        subject: alert.reportDate,
        kind: 'report_health_poor',
        title: alert.title,
        message: alert.message,
        priority: 'high',
        time: alert.time,
        details: { report_date: alert.reportDate },
      },
      deliveryDeadline(),
    );
    deps.logger.warn({ activity: 'raiseReportAlert', report_date: alert.reportDate }, alert.title);
  };
}
