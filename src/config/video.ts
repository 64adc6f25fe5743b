import { z } from 'zod';
import { httpUrl, parseSettings, positiveInt, setting, SettingsValues } from './setting';

const positiveNumber = z.coerce.number().positive();

/** Settings of video analysis: detector, frames, batches and database retries. */
export const videoSettings = {
  detectorUrl: setting({
    env: 'DETECTOR_URL',
    schema: httpUrl.optional(),
    description: 'Person-detector HTTP service (see README for the contract). Unset: video analysis is disabled.',
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
