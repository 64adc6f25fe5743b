import type { Pool } from 'pg';
import { createDetectorClient, type DetectorClient } from '../../clients/detector';
import type { VideoActivities } from '../../contracts/video-activities';
import { alertSenderOf } from '../alerting';
import type { ActivityDeps } from '../deps';
import type { VideoActivityContext } from './context';
import { createDatabaseGuard } from './database-guard';
import { detectPersonsBatch } from './detect-persons';
import { detectorNotConfigured } from './detector-failures';
import { processWorkerMetrics } from '../../metrics/worker-metrics';
import { taskQueues } from '../../config/task-queues';
import { type FleetFailureCounter, temporalFailureCounter } from './fleet-failure-count';
import { processVideoMetrics, type VideoMetrics } from './metrics';
import { createFleetAlarmActivities } from './raise-fleet-alarm';
import { createVideoJobSettings } from './video-job-settings';
import {
  createClaimVideoJob,
  createPublishVideoAlert,
  createRecordVideoJobOutcome,
  createSaveDetections,
} from './video-job-records';
import { createCleanUpVideoJob, createExtractFrames, createLoadDetectionModel } from './video-steps';

export interface VideoActivityDeps extends ActivityDeps {
  /** PostgreSQL with the video connect timeout (createVideoPool), opened and closed by the worker. */
  videoPool: Pool;
  /** Defaults to the process-wide metrics (what a /metrics endpoint reads). */
  metrics?: VideoMetrics;
  /** Defaults to the fleet's counting workflow, signalled with the activity's Temporal client. */
  fleetFailures?: FleetFailureCounter;
}

/** The video analysis activities, each built from the injected clients and settings. */
export function createVideoActivities(deps: VideoActivityDeps): VideoActivities {
  const video = deps.config.video;
  let detector: DetectorClient | undefined;
  const base = {
    video,
    log: deps.logger.child({ component: 'video-analysis' }),
    pool: deps.videoPool,
    publisher: deps.publisher,
    alertsTopic: deps.config.kafka.topicAlerts,
    metrics: deps.metrics ?? processVideoMetrics,
    workerMetrics: deps.workerMetrics ?? processWorkerMetrics,
    alertSender: alertSenderOf(deps),
    fleetFailures:
      deps.fleetFailures ??
      temporalFailureCounter({
        taskQueue: taskQueues(deps.config).video,
        threshold: video.dbFailureAlertCount,
        windowMinutes: video.dbFailureWindowMinutes,
      }),
  };
  const ctx: VideoActivityContext = {
    ...base,
    // One client per worker, made on first use: a worker without DETECTOR_URL runs everything else.
    detector() {
      if (!video.detectorUrl) throw detectorNotConfigured();
      detector ??= createDetectorClient(video.detectorUrl, {
        timeoutMs: video.detectorRequestTimeoutSeconds * 1000,
      });
      return detector;
    },
    withDatabase: createDatabaseGuard(base),
  };
  return {
    videoJobSettings: createVideoJobSettings(ctx, taskQueues(deps.config).videoDetector),
    claimVideoJob: createClaimVideoJob(ctx),
    loadDetectionModel: createLoadDetectionModel(ctx),
    extractFrames: createExtractFrames(ctx),
    detectPersons: (request) => detectPersonsBatch(video, ctx.detector(), request),
    saveDetections: createSaveDetections(ctx),
    cleanUpVideoJob: createCleanUpVideoJob(ctx),
    recordVideoJobOutcome: createRecordVideoJobOutcome(ctx),
    publishVideoAlert: createPublishVideoAlert(ctx),
  };
}

export type { VideoActivities } from '../../contracts/video-activities';

/** The fleet's DB-failure alarm activity: on the video queue, where the counting workflow runs. */
export function createVideoFleetAlarmActivities(deps: VideoActivityDeps) {
  return createFleetAlarmActivities({
    publisher: deps.publisher,
    alertsTopic: deps.config.kafka.topicAlerts,
    alertSender: alertSenderOf(deps),
    workerMetrics: deps.workerMetrics ?? processWorkerMetrics,
    log: deps.logger.child({ component: 'fleet-alarms' }),
  });
}

/**
 * The activities that run on the detector's host (VIDEO_DETECTOR_TASK_QUEUE): the model and
 * the batches need the detector, and the frames live in that host's VIDEO_WORK_DIR, so their
 * extraction and their clean-up go there too.
 */
export const DETECTOR_HOST_ACTIVITIES = [
  'loadDetectionModel',
  'extractFrames',
  'detectPersons',
  'cleanUpVideoJob',
] as const satisfies ReadonlyArray<keyof VideoActivities>;

type DetectorHostActivity = (typeof DETECTOR_HOST_ACTIVITIES)[number];

/** Splits the video activities into the detector host's and the rest (the workflow's queue). */
export function splitVideoActivities(all: VideoActivities) {
  const detectorHost = {} as Pick<VideoActivities, DetectorHostActivity>;
  const rest: Partial<VideoActivities> = { ...all };
  for (const name of DETECTOR_HOST_ACTIVITIES) {
    (detectorHost as Record<string, unknown>)[name] = all[name];
    delete rest[name];
  }
  return { detectorHost, rest: rest as Omit<VideoActivities, DetectorHostActivity> };
}
