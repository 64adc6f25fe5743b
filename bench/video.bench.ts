/**
 * `npm run bench video`: orchestration overhead of a video analysis job (wall time from start
 * to result minus the time spent waiting for the detector) and jobs per minute, on the local
 * real stack (Temporal dev server, PostgreSQL, Kafka), the product's worker, real ffmpeg and a
 * fast local detector on 127.0.0.1. First bar on a 2-core machine: overhead < 1 s per job and
 * 60 jobs/min. Figures: bench/results/video.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  VIDEO_WORKFLOW_TYPE,
  videoStartPolicies,
  videoWorkflowId,
  type VideoAnalysisInput,
} from '../src/contracts/workflows';
import type { VideoAnalysisProgress, VideoAnalysisResult } from '../src/workflows/video-analysis';
import { createLogger } from '../src/logger';
import { runToCompletion } from '../src/workers/exit-path';
import { startWorker } from '../src/workers/worker';
import { startFakeDetectorServer } from '../test/helpers/fake-detector-server';
import { makeTestVideo } from '../test/helpers/test-video';
import { peakRssMiB, percentile, writeBenchResult } from './lib/results';
import { openBenchContext } from './lib/stack';
import {
  historyFigures,
  type ActivityRunByType,
  type HistoryEvent,
  type HistoryFigures,
} from './video/history-figures';

const SEQUENTIAL_JOBS = Number(process.env.BENCH_VIDEO_SEQUENTIAL_JOBS ?? 10);
const CONCURRENT_JOBS = Number(process.env.BENCH_VIDEO_JOBS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_VIDEO_CONCURRENCY ?? 6);
const VIDEO_SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 10);
const VIDEO_SIZE = process.env.BENCH_VIDEO_SIZE ?? '320x240';
const FRAME_RATE = Number(process.env.BENCH_VIDEO_FRAME_RATE ?? 2);
const BATCH_SIZE = Number(process.env.BENCH_VIDEO_BATCH_SIZE ?? 32);
const DETECTOR_DELAY_MS = Number(process.env.BENCH_VIDEO_DETECTOR_DELAY_MS ?? 0);

interface JobFigures {
  wallMs: number;
  detectorMs: number;
  overheadMs: number;
  steps: Record<string, number>;
  history: HistoryFigures;
  activityRunMs: ActivityRunByType;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  process.env.FFMPEG_PATH ??= 'ffmpeg';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'video-bench-'));
  const sourceDir = path.join(root, 'videos');
  await makeTestVideo(path.join(sourceDir, 'bench.mp4'), {
    seconds: VIDEO_SECONDS,
    size: VIDEO_SIZE,
    rate: 25,
  });
  const detector = await startFakeDetectorServer({ delayMs: DETECTOR_DELAY_MS });
  const { ctx, config } = await openBenchContext('video', {
    DETECTOR_URL: detector.url,
    VIDEO_SOURCE_DIR: sourceDir,
    VIDEO_WORK_DIR: path.join(root, 'work'),
    VIDEO_FRAME_RATE: String(FRAME_RATE),
    VIDEO_BATCH_SIZE: String(BATCH_SIZE),
  });
  const worker = await startWorker(ctx);
  const client = ctx.temporal.client;
  const runTag = Date.now().toString(36);

  async function runJob(name: string): Promise<JobFigures> {
    const input: VideoAnalysisInput = {
      videoKey: `bench-${runTag}-${name}`,
      objectKey: 'bench.mp4',
      eventId: `${runTag}-${name}`,
    };
    const started = performance.now();
    const handle = await client.workflow.start(VIDEO_WORKFLOW_TYPE, {
      taskQueue: config.temporal.taskQueue,
      workflowId: videoWorkflowId(input.videoKey),
      args: [input],
      ...videoStartPolicies(input),
    });
    const result = (await handle.result()) as VideoAnalysisResult;
    const wallMs = performance.now() - started;
    if (result.status !== 'completed') throw new Error(`job ${name} ended ${result.status}`);
    const progress = await handle.query<VideoAnalysisProgress>('videoProgress');
    const detectorMs = progress.detectorSeconds * 1000;
    const steps = Object.fromEntries(progress.steps.map((s) => [s.name, (s.elapsedSeconds ?? 0) * 1000]));
    const { totals: history, byType: activityRunMs } = historyFigures(
      ((await handle.fetchHistory()).events ?? []) as HistoryEvent[],
    );
    return { wallMs, detectorMs, overheadMs: wallMs - detectorMs, steps, history, activityRunMs };
  }

  try {
    // Warm-up: first bundle load, first connections, first ffmpeg start.
    await runJob('warmup');

    const sequential: JobFigures[] = [];
    for (let i = 0; i < SEQUENTIAL_JOBS; i++) sequential.push(await runJob(`seq-${i}`));

    const concurrent: JobFigures[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CONCURRENT_JOBS) {
          const i = next++;
          concurrent.push(await runJob(`par-${i}`));
        }
      }),
    );
    const elapsedMin = (performance.now() - t0) / 60_000;

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const overheadSeq = sorted(sequential.map((j) => j.overheadMs));
    const overheadPar = sorted(concurrent.map((j) => j.overheadMs));
    const stepNames = Object.keys(sequential[0]?.steps ?? {});
    const frames = FRAME_RATE * VIDEO_SECONDS;
    const figures = {
      framesPerJob: frames,
      sequential: {
        jobs: SEQUENTIAL_JOBS,
        overheadMsP50: round(percentile(overheadSeq, 50)),
        overheadMsP95: round(percentile(overheadSeq, 95)),
        wallMsP50: round(percentile(sorted(sequential.map((j) => j.wallMs)), 50)),
        detectorMsP50: round(percentile(sorted(sequential.map((j) => j.detectorMs)), 50)),
        stepMsP50: Object.fromEntries(
          stepNames.map((n) => [n, round(percentile(sorted(sequential.map((j) => j.steps[n] ?? 0)), 50))]),
        ),
        // Where the time goes, from each job's history (p50 over jobs).
        historyP50: Object.fromEntries(
          (Object.keys(sequential[0]?.history ?? {}) as Array<keyof HistoryFigures>).map((k) => [
            k,
            round(percentile(sorted(sequential.map((j) => j.history[k])), 50)),
          ]),
        ),
        activityRunMsP50: Object.fromEntries(
          Object.keys(sequential[0]?.activityRunMs ?? {}).map((t) => [
            t,
            round(percentile(sorted(sequential.map((j) => j.activityRunMs[t] ?? 0)), 50)),
          ]),
        ),
      },
      concurrent: {
        jobs: CONCURRENT_JOBS,
        concurrency: CONCURRENCY,
        jobsPerMinute: round(CONCURRENT_JOBS / elapsedMin),
        overheadMsP50: round(percentile(overheadPar, 50)),
        overheadMsP95: round(percentile(overheadPar, 95)),
        wallMsP95: round(percentile(sorted(concurrent.map((j) => j.wallMs)), 95)),
      },
      bars: {
        overheadUnder1sPerJob: percentile(overheadSeq, 50) < 1000,
        atLeast60JobsPerMinute: CONCURRENT_JOBS / elapsedMin >= 60,
      },
      peakRssMiB: peakRssMiB(),
      // Other work on the machine skews every figure above: the 1-minute load average around the run.
      loadAverage: {
        atStart: round(loadAtStart, 2),
        atEnd: round(os.loadavg()[0], 2),
        cpus: os.cpus().length,
      },
    };
    writeBenchResult('video', figures, {
      videoSeconds: VIDEO_SECONDS,
      videoSize: VIDEO_SIZE,
      frameRate: FRAME_RATE,
      batchSize: BATCH_SIZE,
      detectorDelayMs: DETECTOR_DELAY_MS,
      detector: 'local HTTP fake on 127.0.0.1 (test/helpers/fake-detector-server.ts)',
      worker: 'src/workers/worker.ts startWorker (all workflows and activities), default worker options',
      stack:
        'Temporal dev server (SQLite, eager activity execution on), PostgreSQL, Kafka — local, started by the benchmark',
      overhead: 'wall time from workflow start to result, minus time the activities waited for the detector',
    });
  } finally {
    await worker.shutdown();
    await ctx.close();
    await detector.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

// Ctrl-C, SIGTERM, SIGHUP or a failure: the local stack is stopped all the same.
runToCompletion(createLogger({ level: 'warn', pretty: false }), main);
