import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowBundle } from './workflow-bundle';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createVideoActivities, createVideoFleetAlarmActivities } from '../../src/activities/video';
import { temporalFailureCounter } from '../../src/activities/video/fleet-failure-count';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import { createKafkajs } from '../../src/clients/kafkajs/kafkajs-client';
import { createPgPool, createVideoPool } from '../../src/clients/postgres';
import type { Config } from '../../src/config';
import { migrate } from '../../src/db/migrate';
import {
  VIDEO_WORKFLOW_TYPE,
  videoStartPolicies,
  videoWorkflowId,
  type VideoAnalysisInput,
} from '../../src/contracts/workflows';
import { createLogger } from '../../src/logger';
import { FakeDetectorServer, startFakeDetectorServer } from './fake-detector-server';
import { testConfig, uniqueName } from './stack';

/**
 * The real parts of video analysis for integration tests: the Temporal dev server, PostgreSQL
 * and Kafka of the global stack (or a PostgreSQL of the test's own), real ffmpeg, and the small
 * HTTP detector. Each harness has its own task queue, video directory and work directory.
 */
export interface VideoHarness {
  config: Config;
  pool: Pool;
  kafka: Kafka;
  client: Client;
  detector: FakeDetectorServer;
  sourceDir: string;
  workDir: string;
  taskQueue: string;
  /** Starts a worker running only the video workflow and activities. */
  startWorker(): Promise<RunningVideoWorker>;
  /** The same worker in a child process, for a test that kills it (SIGKILL) mid-job. */
  startWorkerProcess(): Promise<ChildProcess>;
  /** Starts a job the way the Kafka bridge does: id from the video key, the contract's policies. */
  startJob(
    input: Partial<VideoAnalysisInput> & { videoKey: string },
  ): Promise<WorkflowHandleWithFirstExecutionRunId>;
  /** Rows saved for a video: all of them and distinct (frame, detection) pairs. */
  rows(videoKey: string): Promise<{ total: number; distinct: number; frames: number[] }>;
  /** Directories left under the work directory (one per job while it runs). */
  leftoverWorkDirs(): string[];
  close(): Promise<void>;
}

export interface RunningVideoWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export interface VideoHarnessOptions {
  /** Settings on top of the test configuration, e.g. VIDEO_FRAME_RATE. */
  env?: NodeJS.ProcessEnv;
  /** A PostgreSQL other than the global stack's (the test stops and starts it). */
  databaseUrl?: string;
}

/** Only the video workflow, so other features' work in progress cannot break it. */
const videoWorkflowBundle = () => workflowBundle(require.resolve('../fixtures/video-fleet-workflows'));

export async function openVideoHarness(options: VideoHarnessOptions = {}): Promise<VideoHarness> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'video-it-'));
  const sourceDir = path.join(root, 'videos');
  const workDir = path.join(root, 'work');
  fs.mkdirSync(sourceDir, { recursive: true });
  const detector = await startFakeDetectorServer();
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL!;
  const taskQueue = uniqueName('video-it');
  const settings: NodeJS.ProcessEnv = {
    // One queue per test carries the job and its detector activities: a test's workers register
    // every video activity, and no other test's worker polls it.
    VIDEO_DETECTOR_TASK_QUEUE: taskQueue,
    DETECTOR_URL: detector.url,
    VIDEO_SOURCE_DIR: sourceDir,
    VIDEO_WORK_DIR: workDir,
    // A failed job ends there unless a test asks for re-runs (test/integration/video-rerun.test.ts).
    VIDEO_RERUN_ATTEMPTS: '0',
    DATABASE_URL: databaseUrl,
    ...options.env,
  };
  const config = testConfig(settings);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: false });
  const pool = createPgPool({ connectionString: databaseUrl, connectTimeoutMs: 5_000 }, () => undefined);
  await migrate(pool);
  const videoPool = createVideoPool(pool, config.video.dbConnectTimeoutSeconds, () => undefined);
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const kafka = createKafkajs(config.kafka, brokers, logger);
  const producer = await (await createKafkaClient(config.kafka, brokers, logger)).createProducer();
  const publisher = createKafkaEventPublisher(producer);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection });
  // The fleet's count of this test's workers: on its own queue, so no other test's failures add up.
  const fleetFailures = temporalFailureCounter({
    taskQueue,
    threshold: config.video.dbFailureAlertCount,
    windowMinutes: config.video.dbFailureWindowMinutes,
    client: () => client,
  });
  const workers: RunningVideoWorker[] = [];
  const children: ChildProcess[] = [];

  return {
    config,
    pool,
    kafka,
    client,
    detector,
    sourceDir,
    workDir,
    taskQueue,

    async startWorker() {
      const nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: await videoWorkflowBundle(),
        activities: {
          ...createVideoActivities({ config, logger, pool, videoPool, publisher, fleetFailures }),
          ...createVideoFleetAlarmActivities({ config, logger, pool, videoPool, publisher }),
        },
        shutdownGraceTime: '1s',
      });
      const done = worker.run().finally(() => nativeConnection.close());
      const running: RunningVideoWorker = {
        worker,
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await done.catch(() => undefined);
        },
      };
      workers.push(running);
      return running;
    },

    async startWorkerProcess() {
      const bundlePath = path.join(root, 'workflow-bundle.js');
      fs.writeFileSync(bundlePath, (await videoWorkflowBundle()).code);
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'video-worker-process.ts')],
        {
          cwd: path.resolve(__dirname, '..', '..'),
          env: {
            ...process.env,
            ...settings,
            VIDEO_TEST_TASK_QUEUE: taskQueue,
            VIDEO_TEST_BUNDLE: bundlePath,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`video worker process not ready after 120s: ${output}`)),
          120_000,
        );
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('video-worker-ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.stderr!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`video worker process exited (${signal ?? code}) before it was ready: ${output}`));
        });
      });
      return child;
    },

    async startJob(input) {
      const args: VideoAnalysisInput = { eventId: uniqueName('event'), objectKey: input.videoKey, ...input };
      return client.workflow.start(VIDEO_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: videoWorkflowId(args.videoKey),
        args: [args],
        ...videoStartPolicies(args),
      });
    },

    async rows(videoKey) {
      const { rows } = await pool.query<{ frame_number: number; detection_index: number }>(
        'SELECT frame_number, detection_index FROM video_detections WHERE video_key = $1 ORDER BY frame_number, detection_index',
        [videoKey],
      );
      const distinct = new Set(rows.map((r) => `${r.frame_number}:${r.detection_index}`)).size;
      return { total: rows.length, distinct, frames: [...new Set(rows.map((r) => r.frame_number))] };
    },

    leftoverWorkDirs() {
      if (!fs.existsSync(workDir)) return [];
      return fs
        .readdirSync(workDir)
        .flatMap((v) => fs.readdirSync(path.join(workDir, v)).map((run) => `${v}/${run}`));
    },

    async close() {
      for (const w of workers) await w.stop();
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await detector.close();
      await producer.disconnect();
      await connection.close();
      await videoPool.end();
      await pool.end();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Persons the fake detector reports on frames 1..frameCount: what must end up in PostgreSQL. */
export function expectedPersons(detector: FakeDetectorServer, frameCount: number): number {
  let total = 0;
  for (let f = 1; f <= frameCount; f++) total += detector.personsOn(f);
  return total;
}

/** Polls (bounded) until check() is true; a busy machine gets generous time. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Alerts published for one video on the real alerts topic, read from its beginning. */
export async function recordAlerts(h: VideoHarness, ...keys: string[]) {
  const received: Array<Record<string, unknown>> = [];
  const consumer = h.kafka.consumer({
    groupId: uniqueName('video-alerts'),
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: h.config.kafka.topicAlerts, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!keys.includes(message.key?.toString() ?? '') || !message.value) return;
      received.push(JSON.parse(message.value.toString()) as Record<string, unknown>);
    },
  });
  return {
    received,
    async waitFor(match: (alert: Record<string, unknown>) => boolean) {
      await eventually('an alert on the alerts topic', () => received.some(match), 90_000);
      return received.find(match)!;
    },
    stop: () => consumer.disconnect(),
  };
}
