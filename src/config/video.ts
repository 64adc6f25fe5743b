import { z } from 'zod';
import { httpUrl, parseSettings, positiveInt, setting, SettingsValues } from './setting';

const positiveNumber = z.coerce.number().positive();

/** Settings of video analysis: detector, frames, batches and database retries. */
export const videoSettings = {
  detectorUrl: setting({
    env: 'DETECTOR_URL',
    schema: httpUrl.optional(),
    description:
      'Person-detector HTTP service (see README for the contract). Unset: video analysis is disabled.',
    expects: 'an http(s) URL',
  }),
  frameRate: setting({
    env: 'VIDEO_FRAME_RATE',
    schema: positiveNumber.default(1),
    description: 'Frames per second extracted from each video.',
    expects: 'a positive number',
    defaultText: '1',
  }),
  initialBatchSize: setting({
    env: 'VIDEO_BATCH_SIZE',
    schema: positiveInt.default(32),
    description: 'Frames per detector request; halved on GPU out-of-memory.',
    expects: 'a positive integer',
    defaultText: '32',
  }),
  workDir: setting({
    env: 'VIDEO_WORK_DIR',
    schema: z.string().min(1).default('.services/video-work'),
    description: 'Scratch directory for extracted frames (one sub-directory per job, always removed).',
    expects: 'a directory path',
    defaultText: '.services/video-work',
  }),
  sourceDir: setting({
    env: 'VIDEO_SOURCE_DIR',
    schema: z.string().min(1).default('videos'),
    description:
      "Where uploaded videos are read from: an event's object key (under its bucket, if any) or video id is a path inside this directory (a mounted object store works too).",
    expects: 'a directory path',
    defaultText: 'videos',
  }),
  ffmpegPath: setting({
    env: 'FFMPEG_PATH',
    schema: z.string().min(1).default('ffmpeg'),
    description: 'ffmpeg executable used to extract frames; ffprobe is expected next to it.',
    expects: 'an executable name or path',
    defaultText: 'ffmpeg',
  }),
  ffmpegStandby: setting({
    env: 'VIDEO_FFMPEG_STANDBY',
    schema: z.coerce.number().int().min(0).max(16).default(1),
    description:
      "ffmpeg processes each worker keeps started, waiting for the next frame extraction (saves ffmpeg's start-up, most of a short video's extraction). 0: ffmpeg starts when a job needs it.",
    expects: 'an integer from 0 to 16',
    defaultText: '1',
  }),
  detectorRequestTimeoutSeconds: setting({
    env: 'VIDEO_DETECTOR_TIMEOUT_SECONDS',
    schema: positiveNumber.default(120),
    description: 'Longest wait for one detector answer (warm-up or one batch) before the request is retried.',
    expects: 'a positive number of seconds',
    defaultText: '120',
  }),
  heartbeatTimeoutSeconds: setting({
    env: 'VIDEO_HEARTBEAT_TIMEOUT_SECONDS',
    schema: positiveNumber.default(30),
    description:
      'A video activity that has not heartbeated for this long is presumed lost (worker died) and retried elsewhere.',
    expects: 'a positive number of seconds',
    defaultText: '30',
  }),
  extractTimeoutMinutes: setting({
    env: 'VIDEO_EXTRACT_TIMEOUT_MINUTES',
    schema: positiveNumber.default(60),
    description: 'Longest time frame extraction of one video may take.',
    expects: 'a positive number of minutes',
    defaultText: '60',
  }),
  saveChunkRows: setting({
    env: 'VIDEO_SAVE_CHUNK_ROWS',
    schema: positiveInt.default(500),
    description:
      'Detections written per PostgreSQL transaction (bounded transactions; each chunk is retried on its own).',
    expects: 'a positive integer',
    defaultText: '500',
  }),
  longJobAlertMinutes: setting({
    env: 'VIDEO_LONG_JOB_ALERT_MINUTES',
    schema: positiveNumber.default(30),
    description: 'A job still running after this long raises an alert (the job keeps running).',
    expects: 'a positive number of minutes',
    defaultText: '30',
  }),
  rerunAttempts: setting({
    env: 'VIDEO_RERUN_ATTEMPTS',
    schema: z.coerce.number().int().min(0).max(5).default(1),
    description:
      'A job that failed for a reason that may pass (detector or database unavailable, GPU out of memory, a timeout) runs again this many times, as the same job; a missing, unreadable or refused video never does. 0: never.',
    expects: 'an integer from 0 to 5',
    defaultText: '1',
  }),
  rerunDelaySeconds: setting({
    env: 'VIDEO_RERUN_DELAY_SECONDS',
    schema: positiveNumber.default(60),
    description: 'How long a failed job waits before it runs again (VIDEO_RERUN_ATTEMPTS).',
    expects: 'a positive number of seconds',
    defaultText: '60',
  }),
  failureRateAlertPercent: setting({
    env: 'VIDEO_FAILURE_RATE_ALERT_PERCENT',
    schema: positiveNumber.max(100).default(10),
    description:
      'Alert when more than this percentage of finished jobs failed within VIDEO_FAILURE_RATE_WINDOW_MINUTES.',
    expects: 'a percentage above 0, at most 100',
    defaultText: '10',
  }),
  failureRateWindowMinutes: setting({
    env: 'VIDEO_FAILURE_RATE_WINDOW_MINUTES',
    schema: positiveNumber.default(60),
    description: 'Window over which the job failure rate is computed.',
    expects: 'a positive number of minutes',
    defaultText: '60',
  }),
  dbFailureAlertCount: setting({
    env: 'VIDEO_DB_FAILURE_ALERT_COUNT',
    schema: positiveInt.default(3),
    description:
      'Alert when more than this many PostgreSQL connection failures happen within VIDEO_DB_FAILURE_WINDOW_MINUTES.',
    expects: 'a positive integer',
    defaultText: '3',
  }),
  dbFailureWindowMinutes: setting({
    env: 'VIDEO_DB_FAILURE_WINDOW_MINUTES',
    schema: positiveNumber.default(5),
    description: 'Window over which PostgreSQL connection failures are counted.',
    expects: 'a positive number of minutes',
    defaultText: '5',
  }),
  dbRetryAttempts: setting({
    env: 'VIDEO_DB_RETRY_ATTEMPTS',
    schema: positiveInt.default(3),
    description: 'Attempts to connect/save to PostgreSQL.',
    expects: 'a positive integer',
    defaultText: '3',
  }),
  dbRetryInitialDelaySeconds: setting({
    env: 'VIDEO_DB_RETRY_INITIAL_DELAY_SECONDS',
    schema: positiveNumber.default(5),
    description: 'First delay between database attempts; doubles each time.',
    expects: 'a positive number of seconds',
    defaultText: '5',
  }),
  dbRetryBackoff: setting({
    env: 'VIDEO_DB_RETRY_BACKOFF',
    schema: z.coerce.number().min(1).default(2),
    description: 'Multiplier of the delay between database attempts (2 = doubling).',
    expects: 'a number >= 1',
    defaultText: '2',
  }),
  dbConnectTimeoutSeconds: setting({
    env: 'VIDEO_DB_CONNECT_TIMEOUT_SECONDS',
    schema: positiveNumber.default(10),
    description: 'PostgreSQL connect timeout.',
    expects: 'a positive number of seconds',
    defaultText: '10',
  }),
};

export type VideoConfig = SettingsValues<typeof videoSettings>;

export function parseVideoConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(videoSettings, env);
}
