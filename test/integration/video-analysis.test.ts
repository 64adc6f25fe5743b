import fs from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { VideoAnalysisProgress, VideoAnalysisResult } from '../../src/workflows/video-analysis';
import { uniqueName } from '../helpers/stack';
import { makeCorruptVideo, makeTestVideo } from '../helpers/test-video';
import {
  eventually,
  expectedPersons,
  openVideoHarness,
  recordAlerts,
  VideoHarness,
} from '../helpers/video-harness';

/**
 * Video analysis end to end on the real stack: the Temporal dev server, real ffmpeg on a
 * generated test video, the small HTTP detector, PostgreSQL and Kafka.
 */
jest.setTimeout(240_000);

// 8 s of video at 5 frames/s: 40 frames, enough for a first batch of 32.
const FRAME_RATE = 5;
const VIDEO_SECONDS = 8;

describe('video analysis on the real stack', () => {
  let h: VideoHarness;
  let video: string;

  beforeAll(async () => {
    h = await openVideoHarness({
      env: {
        VIDEO_FRAME_RATE: String(FRAME_RATE),
        // A worker that vanished is noticed within seconds, not the default 30 s.
        VIDEO_HEARTBEAT_TIMEOUT_SECONDS: '4',
        VIDEO_SAVE_CHUNK_ROWS: '10',
      },
    });
    video = await makeTestVideo(path.join(h.sourceDir, 'clips', 'testsrc.mp4'), {
      seconds: VIDEO_SECONDS,
      size: '160x120',
      rate: 10,
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.detector.behaviour.oomAboveBatchSize = Infinity;
    h.detector.behaviour.malformed = false;
    h.detector.behaviour.delayMs = 0;
    h.detector.behaviour.beforeAnswer = undefined;
  });

  const objectKey = () => path.relative(h.sourceDir, video);

  async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
    try {
      await promise;
    } catch (err) {
      expect(err).toBeInstanceOf(WorkflowFailedError);
      return (err as WorkflowFailedError).cause as ApplicationFailure;
    }
    throw new Error('the job was expected to fail');
  }

  it('halves batches on GPU out-of-memory (32 → 16 → 8), detects every frame once and saves every person once', async () => {
    h.detector.behaviour.oomAboveBatchSize = 10;
    const worker = await h.startWorker();
    const videoKey = uniqueName('oom-halving');
    const before = h.detector.requests.length;
    try {
      const handle = await h.startJob({ videoKey, objectKey: objectKey() });
      const result = (await handle.result()) as VideoAnalysisResult;
      const progress = await handle.query<VideoAnalysisProgress>('videoProgress');

      const requests = h.detector.requests.slice(before);
      expect(requests.slice(0, 3).map((r) => [r.frames.length, r.outcome])).toEqual([
        [32, 'oom'],
        [16, 'oom'],
        [8, 'ok'],
      ]);
      expect(requests.slice(3).every((r) => r.outcome === 'ok' && r.frames.length <= 8)).toBe(true);
      const frameCount = result.frames;
      expect(frameCount).toBe(FRAME_RATE * VIDEO_SECONDS);
      for (let f = 1; f <= frameCount; f++) expect(h.detector.detectedCount(f)).toBe(1);

      const persons = expectedPersons(h.detector, frameCount);
      expect(result).toMatchObject({
        status: 'completed',
        detections: persons,
        rowsInserted: persons,
        finalBatchSize: 8,
        oomHalvings: 2,
      });
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });
      expect(progress).toMatchObject({
        status: 'completed',
        step: 5,
        batchSize: 8,
        framesDetected: frameCount,
        rowsSaved: persons,
      });
      expect(h.leftoverWorkDirs()).toEqual([]);
      // The last batch removed the frames and the saves went through as local activities: no
      // clean-up or save activity was scheduled after the detection.
      const scheduled = ((await handle.fetchHistory()).events ?? [])
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter(Boolean);
      expect(scheduled).not.toContain('cleanUpVideoJob');
      expect(scheduled).not.toContain('saveDetections');
      const job = await h.pool.query(
        'SELECT status, frames, detections FROM video_analysis_jobs WHERE video_key = $1',
        [videoKey],
      );
      expect(job.rows).toEqual([{ status: 'completed', frames: frameCount, detections: persons }]);
    } finally {
      await worker.stop();
    }
  });

  it('fails clearly after batch size 1 when every batch runs out of GPU memory, cleans up and alerts', async () => {
    h.detector.behaviour.oomAboveBatchSize = 0;
    const worker = await h.startWorker();
    const videoKey = uniqueName('oom-always');
    const alerts = await recordAlerts(h, videoKey);
    try {
      const handle = await h.startJob({ videoKey, objectKey: objectKey() });
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('GpuOutOfMemoryAtBatchSizeOne');
      expect(failure.message).toMatch(/out of GPU memory even with a batch of 1 frame/);
      expect(failure.message).toMatch(/step 3\/5 detect persons/);
      const sizes = h.detector.requests
        .filter((r) => r.outcome === 'oom')
        .slice(-6)
        .map((r) => r.frames.length);
      expect(sizes).toEqual([32, 16, 8, 4, 2, 1]);
      expect((await h.rows(videoKey)).total).toBe(0);
      expect(h.leftoverWorkDirs()).toEqual([]);
      const failed = await alerts.waitFor((a) => a.kind === 'job_failed');
      expect(String(failed.message)).toMatch(/batch of 1 frame/);
      expect(failed).toMatchObject({
        event_type: 'video_analysis_alert',
        priority: 'high',
        video_key: videoKey,
      });
      // One of the two jobs of this file so far failed: far above the 10 % alarm rate.
      const rate = await alerts.waitFor((a) => a.kind === 'failure_rate_high');
      expect(String(rate.title)).toMatch(/failure rate \d+(\.\d)?% over the last 60 min/);
    } finally {
      await alerts.stop();
      await worker.stop();
    }
  });

  it('fails at once, without retries, on a video ffmpeg cannot read', async () => {
    const worker = await h.startWorker();
    const videoKey = uniqueName('corrupt');
    makeCorruptVideo(path.join(h.sourceDir, `${videoKey}.mp4`));
    try {
      const handle = await h.startJob({ videoKey, objectKey: `${videoKey}.mp4` });
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('VideoUnreadable');
      expect(failure.message).toMatch(/step 2\/5 extract frames/);
      expect(failure.message).toMatch(/unreadable \(corrupt or not a video\)/);
      const history = await handle.fetchHistory();
      const extractAttempts = (history.events ?? []).filter(
        (e) =>
          e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt !== undefined,
      );
      // One attempt per started activity: the corrupt video was never retried.
      expect(extractAttempts.every((e) => e.activityTaskStartedEventAttributes!.attempt === 1)).toBe(true);
      expect(h.leftoverWorkDirs()).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it('retries a malformed detector answer and names the response in the error', async () => {
    h.detector.behaviour.malformed = true;
    const worker = await h.startWorker();
    const videoKey = uniqueName('malformed');
    try {
      const handle = await h.startJob({ videoKey, objectKey: objectKey() });
      let lastFailure = '';
      await eventually('the detect activity retrying after a malformed answer', async () => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        const detect = pending.find((p) => p.activityType?.name === 'detectPersons' && (p.attempt ?? 0) >= 2);
        lastFailure = detect?.lastFailure?.message ?? '';
        return lastFailure !== '';
      });
      expect(lastFailure).toMatch(/body is not JSON/);
      expect(lastFailure).toContain('502 Bad Gateway from upstream proxy');
      h.detector.behaviour.malformed = false;
      const result = (await handle.result()) as VideoAnalysisResult;
      expect(result.status).toBe('completed');
      expect((await h.rows(videoKey)).total).toBe(expectedPersons(h.detector, result.frames));
    } finally {
      await worker.stop();
    }
  });

  it('runs one job for a duplicate upload, also after it finished, and a new run only with reanalyze', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    h.detector.behaviour.beforeAnswer = () => held;
    const worker = await h.startWorker();
    const videoKey = uniqueName('duplicate');
    try {
      const first = await h.startJob({ videoKey, objectKey: objectKey() });
      // The same upload again while the job runs.
      await expect(h.startJob({ videoKey, objectKey: objectKey() })).rejects.toBeInstanceOf(
        WorkflowExecutionAlreadyStartedError,
      );
      release();
      const result = (await first.result()) as VideoAnalysisResult;
      expect(result.status).toBe('completed');
      // The same upload again after the job finished.
      await expect(h.startJob({ videoKey, objectKey: objectKey() })).rejects.toBeInstanceOf(
        WorkflowExecutionAlreadyStartedError,
      );
      const persons = expectedPersons(h.detector, result.frames);
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });

      // A deliberate re-analysis is a new run and replaces the rows, never doubles them.
      const again = await h.startJob({ videoKey, objectKey: objectKey(), reanalyze: true });
      expect(again.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
      expect(((await again.result()) as VideoAnalysisResult).status).toBe('completed');
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });
      const runs = await h.pool.query(
        'SELECT status FROM video_analysis_jobs WHERE video_key = $1 ORDER BY started_at',
        [videoKey],
      );
      expect(runs.rows.map((r) => r.status)).toEqual(['completed', 'completed']);
    } finally {
      release();
      await worker.stop();
    }
  });

  it('resumes a job whose worker was killed mid-detection and completes it without duplicates', async () => {
    const videoKey = uniqueName('worker-killed');
    const before = h.detector.requests.length;
    const okFrames = () =>
      h.detector.requests
        .slice(before)
        .filter((r) => r.outcome === 'ok')
        .flatMap((r) => r.frames);
    // Batches of 8 frames (after two halvings); the third batch is held at the detector
    // until the worker process running it has been killed.
    h.detector.behaviour.oomAboveBatchSize = 8;
    let heldBatch = false;
    let releaseHeld!: () => void;
    const held = new Promise<void>((r) => (releaseHeld = r));
    h.detector.behaviour.beforeAnswer = (frames) => {
      if (frames[0] !== 17 || heldBatch) return;
      heldBatch = true;
      return held;
    };
    const doomed = await h.startWorkerProcess();
    let survivor: Awaited<ReturnType<VideoHarness['startWorker']>> | undefined;
    try {
      const handle = await h.startJob({ videoKey, objectKey: objectKey() });
      await eventually('the third batch in flight at the detector', () => heldBatch, 120_000);
      expect(okFrames()).toHaveLength(16);
      doomed.kill('SIGKILL');
      await new Promise((r) => doomed.once('exit', r));
      releaseHeld();
      // The surviving worker may run on another host: it does not find the frames and must extract them again.
      expect(h.leftoverWorkDirs()).toHaveLength(1);
      fs.rmSync(h.workDir, { recursive: true, force: true });

      survivor = await h.startWorker();
      const result = (await handle.result()) as VideoAnalysisResult;
      expect(result.status).toBe('completed');
      // Progress survived the kill: every frame was detected exactly once; the batch that was
      // in flight was answered to nobody and sent again, the two before it were not.
      const frames = okFrames();
      expect([...frames].sort((a, b) => a - b)).toEqual(
        Array.from({ length: result.frames }, (_, i) => i + 1),
      );
      const persons = expectedPersons(h.detector, result.frames);
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });
      expect(result.rowsInserted).toBe(persons);
      expect(h.leftoverWorkDirs()).toEqual([]);
    } finally {
      releaseHeld();
      if (doomed.exitCode === null && doomed.signalCode === null) doomed.kill('SIGKILL');
      await survivor?.stop();
    }
  });

  it('cleans up the work directory when the job is cancelled mid-detection', async () => {
    let arrived = false;
    h.detector.behaviour.beforeAnswer = () => {
      arrived = true;
      return new Promise(() => undefined);
    };
    const worker = await h.startWorker();
    const videoKey = uniqueName('cancelled');
    try {
      const handle = await h.startJob({ videoKey, objectKey: objectKey() });
      await eventually('a batch held at the detector', () => arrived);
      expect(h.leftoverWorkDirs()).toHaveLength(1);
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(h.leftoverWorkDirs()).toEqual([]);
      const progress = await handle.query<VideoAnalysisProgress>('videoProgress');
      expect(progress).toMatchObject({ status: 'cancelled', step: 5 });
      const job = await h.pool.query('SELECT status FROM video_analysis_jobs WHERE video_key = $1', [
        videoKey,
      ]);
      expect(job.rows).toEqual([{ status: 'cancelled' }]);
    } finally {
      await worker.stop();
    }
  });
});
