import type { Pool } from 'pg';
import { createDetectorClient, type DetectorClient } from '../../clients/detector';
import type { VideoActivities } from '../../contracts/video-activities';
import type { ActivityDeps } from '../deps';
import type { VideoActivityContext } from './context';
import { createDatabaseGuard } from './database-guard';
import { detectPersonsBatch } from './detect-persons';
import { detectorNotConfigured } from './detector-failures';
import { processWorkerMetrics } from '../../metrics/worker-metrics';
import { processVideoMetrics, type VideoMetrics } from './metrics';
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
    videoJobSettings: createVideoJobSettings(ctx),
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
