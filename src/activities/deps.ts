import type { Pool } from 'pg';
import type { AlertSender } from '../backends/alerts';
import type { EventPublisher } from '../clients/event-publisher';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { WorkerMetrics } from '../metrics/worker-metrics';

/**
 * What activities may touch. Built once by the worker process (or by a test, with its own
 * real servers behind it) and handed to createActivities: no module-level clients.
 */
export interface ActivityDeps {
  config: Config;
  logger: Logger;
  /** PostgreSQL: audit trail, built-in model registry, video detections. */
  pool: Pool;
  /** The one shared Kafka producer for events we publish. */
  publisher: EventPublisher;
  /** Counters for the worker's /metrics; defaults to the process-wide ones (processWorkerMetrics). */
  workerMetrics?: WorkerMetrics;
  /** Where alarms reach people; built from the ALERT_* settings when absent (alertSenderOf). */
  alertSender?: AlertSender;
}
