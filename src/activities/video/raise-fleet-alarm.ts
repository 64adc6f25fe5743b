import type { AlertSender } from '../../backends/alerts';
import { deterministicUuid } from '../../backends/deterministic-id';
import type { EventPublisher } from '../../clients/event-publisher';
import type { FleetAlarmActivities } from '../../contracts/fleet-alarms';
import type { Logger } from '../../logger';
import type { WorkerMetrics } from '../../metrics/worker-metrics';
import { deliveryDeadline } from '../alerting';
import { VIDEO_ALERT_EVENT_TYPE } from './alerts';

export interface FleetAlarmDeps {
  publisher: EventPublisher;
  alertsTopic: string;
  alertSender: AlertSender;
  workerMetrics: WorkerMetrics;
  log: Logger;
}

/** The fleet's DB-failure alarm (fleetFailureCountWorkflow): on system.alerts, then at once to people. */
export function createFleetAlarmActivities(deps: FleetAlarmDeps): FleetAlarmActivities {
  return {
    async raiseFleetDbAlarm(request) {
      const alertId = deterministicUuid('fleet-db-alarm', request.alarmId);
      const title = `PostgreSQL unreachable: ${request.failures} connection failures in ${request.windowMinutes} min across ${request.reporters.length} worker(s)`;
      const message = `More than ${request.threshold} PostgreSQL connection failures within ${request.windowMinutes} min, counted over the whole fleet (${request.reporters.join(', ')}). Latest: ${request.lastDetail}`;
      const details = {
        failures: request.failures,
        windowMinutes: request.windowMinutes,
        reporters: request.reporters,
      };
      await deps.publisher
        .publish(
          deps.alertsTopic,
          request.fleetId,
          VIDEO_ALERT_EVENT_TYPE,
          {
            alert_id: alertId,
            kind: 'db_connection_failures',
            title,
            message,
            priority: 'critical',
            video_key: null,
            details,
          },
          alertId,
        )
        .catch((err: unknown) => {
          deps.workerMetrics.alarmFailed('video', 'kafka');
          throw err;
        });
      deps.workerMetrics.alarmSent('video', 'kafka', request.time);
      await deps.alertSender.send(
        {
          alarmId: alertId,
          source: 'video',
          subject: request.fleetId,
          kind: 'db_connection_failures',
          title,
          message,
          priority: 'critical',
          time: request.time,
          details,
        },
        deliveryDeadline(),
      );
      deps.log.error({ failures: request.failures, reporters: request.reporters }, title);
    },
  };
}
