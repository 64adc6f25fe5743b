import type { Pool } from 'pg';
import type { AlertSender } from '../../backends/alerts';
import type { DetectorClient } from '../../clients/detector';
import type { EventPublisher } from '../../clients/event-publisher';
import type { VideoConfig } from '../../config/video';
import type { VideoJobRef } from '../../contracts/video-activities';
import type { Logger } from '../../logger';
import type { WorkerMetrics } from '../../metrics/worker-metrics';
import type { FleetFailureCounter } from './fleet-failure-count';
import type { VideoMetrics } from './metrics';

/** What every video activity is built from: injected by createVideoActivities, never opened here. */
export interface VideoActivityContext {
  video: VideoConfig;
  log: Logger;
  /** PostgreSQL with the video connect timeout (VIDEO_DB_CONNECT_TIMEOUT_SECONDS). */
  pool: Pool;
  publisher: EventPublisher;
  alertsTopic: string;
  metrics: VideoMetrics;
  /** Counts the alarms video analysis sends (the worker's /metrics). */
  workerMetrics: WorkerMetrics;
  /** Where video alarms reach people (README "Alerting"). */
  alertSender: AlertSender;
  /** The fleet-wide count of PostgreSQL connection failures (fleetFailureCountWorkflow). */
  fleetFailures: FleetFailureCounter;
  /** The detector client; throws DetectorNotConfigured without DETECTOR_URL. */
  detector(): DetectorClient;
  /** Runs a database action; its error becomes a typed, classified failure (and is counted). */
  withDatabase<T>(job: VideoJobRef, action: string, work: () => Promise<T>): Promise<T>;
}
