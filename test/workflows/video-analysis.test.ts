import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { temporal } from '@temporalio/proto';
import { ApplicationFailure, CancelledFailure, type Duration } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type {
  ClaimRequest,
  DetectBatchRequest,
  JobOutcome,
  PersonDetection,
  SaveChunkRequest,
  VideoActivities,
  VideoAlert,
  VideoJobSettings,
} from '../../src/contracts/video-activities';
import {
  DATABASE_UNAVAILABLE,
  DETECTOR_UNAVAILABLE,
  GPU_OUT_OF_MEMORY,
} from '../../src/contracts/video-activities';
import {
  VIDEO_WORKFLOW_TYPE,
  videoStartPolicies,
  videoWorkflowId,
  type VideoAnalysisInput,
} from '../../src/contracts/workflows';
import type { VideoAnalysisProgress, VideoAnalysisResult } from '../../src/workflows/video-analysis';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { uniqueName } from '../helpers/stack';

/**
 * The video workflow's own logic on the time-skipping test server: batch halving on GPU
 * out-of-memory, progress, the long-job alarm, database retry exhaustion, clean-up on failure
 * and cancellation. Activities are recording fakes at the activity boundary.
 */

jest.setTimeout(Number(process.env.VIDEO_TEST_TIMEOUT_MS ?? 120_000));

/**
 * Histories of earlier workflow code, replayed by the last test: a change that would break jobs
 * in flight fails there. RECORD_VIDEO_HISTORIES=<name> writes this run's histories as
 * video-analysis-<name>-<case>.json (the `step-by-step` ones predate 'video-overlapped-steps', the
 * `overlapped` ones 'video-last-batch-cleans-up').
 */
const HISTORIES_DIR = path.resolve(__dirname, '../fixtures/histories');

async function keepHistory(handle: WorkflowHandle, name: string): Promise<void> {
  const recording = process.env.RECORD_VIDEO_HISTORIES;
  if (!recording) return;
  const file = path.join(HISTORIES_DIR, `video-analysis-${recording}-${name}.json`);
  fs.writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
}

const SETTINGS: VideoJobSettings = {
  initialBatchSize: 32,
  frameRate: 1,
  saveChunkRows: 25,
  longJobAlertMinutes: 30,
  heartbeatTimeoutSeconds: 30,
  detectorTimeoutSeconds: 60,
  extractTimeoutMinutes: 10,
  dbRetry: {
    maximumAttempts: 3,
    initialIntervalSeconds: 5,
    backoffCoefficient: 2,
    connectTimeoutSeconds: 10,
  },
};

interface Recorder {
  detectCalls: DetectBatchRequest[];
  saved: PersonDetection[];
  saveAttempts: number;
  alerts: VideoAlert[];
  outcomes: JobOutcome[];
  cleanups: number;
  steps: string[];
  claims: ClaimRequest[];
}

interface FakeOptions {
  frameCount: number;
  /** Batches above this size fail with GpuOutOfMemory; 0 = every size. */
  oomAbove?: number;
  /** Resolves when the detector may answer (a slow GPU). */
  detectorGate?: () => Promise<void>;
  /** The first detector call fails as unavailable and asks to be retried after this long. */
  detectorOutage?: Duration;
  saveFails?: boolean;
  alreadyAnalysed?: boolean;
  /** Frame extraction runs until cancelled (a long video). */
  extractionNeverEnds?: boolean;
  /** Settings on top of SETTINGS, e.g. re-runs. */
  settings?: Partial<VideoJobSettings>;
  /** The detector host removes the frames when asked (current workers); older ones ignore it. */
  removesFramesWhenAsked?: boolean;
}

/** One person on every frame, so detections = frames. */
function fakeActivities(rec: Recorder, opts: FakeOptions): VideoActivities {
  let extractionStarted!: () => void;
  const extracting = new Promise<void>((resolve) => (extractionStarted = resolve));
  return {
    async videoJobSettings() {
      return { ...SETTINGS, ...opts.settings };
    },
    async claimVideoJob(request) {
      rec.claims.push(request);
      // A long extraction is under way when the claim answers (bounded: the claim never hangs).
      if (opts.extractionNeverEnds)
        await Promise.race([extracting, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      rec.steps.push('claim');
      return opts.alreadyAnalysed
        ? {
            alreadyAnalysed: true,
            previousRunId: 'run-before',
            previousStatus: 'completed',
            finishedAt: null,
          }
        : { alreadyAnalysed: false };
    },
    async loadDetectionModel() {
      rec.steps.push('load');
      return { model: 'fake', version: '1' };
    },
    async extractFrames() {
      rec.steps.push('extract');
      extractionStarted();
      if (opts.extractionNeverEnds) {
        const ctx = Context.current();
        const timer = setInterval(() => ctx.heartbeat(), 200);
        try {
          await ctx.cancelled;
        } catch (err) {
          rec.steps.push('extract stopped');
          throw err;
        } finally {
          clearInterval(timer);
        }
      }
      return { frameCount: opts.frameCount, durationSeconds: opts.frameCount, width: 160, height: 120 };
    },
    async detectPersons(req) {
      rec.detectCalls.push(req);
      if (opts.oomAbove !== undefined && req.count > opts.oomAbove) {
        throw ApplicationFailure.create({
          message: `CUDA out of memory at ${req.count} frames`,
          type: GPU_OUT_OF_MEMORY,
          nonRetryable: true,
        });
      }
      if (opts.detectorOutage && Context.current().info.attempt === 1) {
        throw ApplicationFailure.create({
          message: 'detector at http://gpu-box is unreachable (POST /detect): ECONNREFUSED',
          type: DETECTOR_UNAVAILABLE,
          nextRetryDelay: opts.detectorOutage,
        });
      }
      if (opts.detectorGate) {
        const ctx = Context.current();
        const timer = setInterval(() => ctx.heartbeat(), 200);
        try {
          await Promise.race([opts.detectorGate(), ctx.cancelled]);
        } finally {
          clearInterval(timer);
        }
      }
      const detections = Array.from({ length: req.count }, (_, i) => ({
        frame: req.firstFrame + i,
        index: 0,
        timeSec: req.firstFrame + i - 1,
        label: 'person',
        confidence: 0.9,
        box: { x: 0, y: 0, width: 1, height: 1 },
      }));
      if (opts.removesFramesWhenAsked && req.removeFramesAfter) {
        rec.steps.push('frames removed by the last batch');
        return { detections, detectorMs: 5, framesRemoved: true };
      }
      return { detections, detectorMs: 5 };
    },
    async saveDetections(req: SaveChunkRequest) {
      rec.saveAttempts += 1;
      if (opts.saveFails)
        throw ApplicationFailure.retryable(
          'PostgreSQL saving detections: connect ECONNREFUSED 127.0.0.1:5999',
          DATABASE_UNAVAILABLE,
        );
      rec.saved.push(...req.detections);
      return { inserted: req.detections.length, alreadySaved: 0 };
    },
    async cleanUpVideoJob() {
      rec.cleanups += 1;
      rec.steps.push('cleanup');
      return { removed: true };
    },
    async recordVideoJobOutcome(outcome) {
      rec.outcomes.push(outcome);
    },
    async publishVideoAlert(alert) {
      rec.alerts.push(alert);
    },
  };
}

function newRecorder(): Recorder {
  return {
    detectCalls: [],
    saved: [],
    saveAttempts: 0,
    alerts: [],
    outcomes: [],
    cleanups: 0,
    steps: [],
    claims: [],
  };
}

describe('videoAnalysisWorkflow (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: { code: string };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // The workflow sets the VideoId search attribute; the test server knows only what it is told.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: { VideoId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows/video-analysis'),
    });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(
    activities: VideoActivities,
    run: (taskQueue: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = uniqueName('video-wf');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
    });
    return worker.runUntil(run(taskQueue));
  }

  function start(taskQueue: string, input: Partial<VideoAnalysisInput> = {}) {
    const videoKey = input.videoKey ?? uniqueName('video');
    const args: VideoAnalysisInput = {
      videoKey,
      objectKey: `${videoKey}.mp4`,
      eventId: uniqueName('event'),
      ...input,
    };
    return env.client.workflow.start(VIDEO_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: videoWorkflowId(videoKey),
      args: [args],
      ...videoStartPolicies(args),
    });
  }

  async function failureOf(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (err) {
      expect(err).toBeInstanceOf(WorkflowFailedError);
      return (err as WorkflowFailedError).cause as Error;
    }
    throw new Error('the workflow was expected to fail');
  }

  it('halves the batch on GPU out-of-memory (32 → 16 → 8), detects every frame once and saves it once', async () => {
    const rec = newRecorder();
    const { result, progress } = await withWorker(
      fakeActivities(rec, { frameCount: 40, oomAbove: 10 }),
      async (tq) => {
        const handle = await start(tq);
        const result = (await handle.result()) as VideoAnalysisResult;
        // The recorded history replays on the current code without non-determinism.
        await Worker.runReplayHistory({ workflowBundle }, await handle.fetchHistory(), handle.workflowId);
        await keepHistory(handle, 'completed');
        return { result, progress: await handle.query<VideoAnalysisProgress>('videoProgress') };
      },
    );

    expect(rec.detectCalls.map((c) => c.count)).toEqual([32, 16, 8, 8, 8, 8, 8]);
    const succeeded = rec.detectCalls.filter((c) => c.count <= 10);
    const frames = succeeded.flatMap((c) => Array.from({ length: c.count }, (_, i) => c.firstFrame + i));
    expect(frames).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(rec.saved.map((d) => d.frame)).toEqual(frames);
    expect(result).toMatchObject({
      status: 'completed',
      frames: 40,
      detections: 40,
      rowsInserted: 40,
      finalBatchSize: 8,
      oomHalvings: 2,
    });
    expect(progress).toMatchObject({
      status: 'completed',
      step: 5,
      totalSteps: 5,
      label: 'step 5/5 clean up',
      framesExtracted: 40,
      framesDetected: 40,
      detections: 40,
      rowsSaved: 40,
      batchSize: 8,
      oomHalvings: 2,
    });
    expect(progress.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    // The detector warms up and the frames are extracted while the job is being recorded.
    expect(rec.steps.slice(0, 3).sort()).toEqual(['claim', 'extract', 'load']);
    expect(rec.steps.slice(3)).toEqual(['cleanup']);
    expect(rec.outcomes).toEqual([
      expect.objectContaining({ status: 'completed', frames: 40, detections: 40 }),
    ]);
    expect(rec.alerts).toEqual([]);
  });

  it('lets the last batch remove the frames and saves as local activities: one workflow task from the last answer to the result', async () => {
    const rec = newRecorder();
    const { result, history } = await withWorker(
      fakeActivities(rec, { frameCount: 40, oomAbove: 10, removesFramesWhenAsked: true }),
      async (tq) => {
        const handle = await start(tq);
        const result = (await handle.result()) as VideoAnalysisResult;
        const history = await handle.fetchHistory();
        await Worker.runReplayHistory({ workflowBundle }, history, handle.workflowId);
        await keepHistory(handle, 'frames-removed');
        return { result, history };
      },
    );
    expect(result).toMatchObject({ status: 'completed', frames: 40, detections: 40, rowsInserted: 40 });
    // Only the batch that ends at the last frame asks for the removal; halved batches do not.
    expect(rec.detectCalls.map((c) => [c.firstFrame, c.count, c.removeFramesAfter === true])).toEqual([
      [1, 32, false],
      [1, 16, false],
      [1, 8, false],
      [9, 8, false],
      [17, 8, false],
      [25, 8, false],
      [33, 8, true],
    ]);
    expect(rec.saved.map((d) => d.frame)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The frames are gone with the last batch: no clean-up activity runs after it.
    expect(rec.steps.slice(3)).toEqual(['frames removed by the last batch']);
    expect(rec.cleanups).toBe(0);
    expect(rec.outcomes).toEqual([expect.objectContaining({ status: 'completed' })]);

    const events = history.events ?? [];
    const scheduled = events
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name): name is string => Boolean(name));
    expect(scheduled).not.toContain('saveDetections');
    expect(scheduled).not.toContain('cleanUpVideoJob');
    // After the last batch's answer: one workflow task, which saves, records and completes.
    const lastAnswer = events.map((e) => Boolean(e.activityTaskCompletedEventAttributes)).lastIndexOf(true);
    const after = events.slice(lastAnswer + 1);
    expect(after.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    expect(after.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  });

  it('fails with a clear message when even a batch of 1 frame runs out of GPU memory, and still cleans up', async () => {
    const rec = newRecorder();
    const cause = await withWorker(fakeActivities(rec, { frameCount: 40, oomAbove: 0 }), async (tq) => {
      const handle = await start(tq);
      return failureOf(handle.result());
    });
    expect(rec.detectCalls.map((c) => c.count)).toEqual([32, 16, 8, 4, 2, 1]);
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('GpuOutOfMemoryAtBatchSizeOne');
    expect(cause.message).toMatch(/failed at step 3\/5 detect persons/);
    expect(cause.message).toMatch(/out of GPU memory even with a batch of 1 frame/);
    expect(rec.saved).toEqual([]);
    expect(rec.cleanups).toBe(1);
    expect(rec.outcomes).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(rec.alerts).toEqual([expect.objectContaining({ kind: 'job_failed', priority: 'high' })]);
  });

  it('runs a job that failed for a reason that may pass once more as a new run, after the delay', async () => {
    const rec = newRecorder();
    const settings = { rerunAttempts: 1, rerunDelaySeconds: 300 };
    const { cause, firstRunId, lastRunId } = await withWorker(
      fakeActivities(rec, { frameCount: 40, oomAbove: 0, settings }),
      async (tq) => {
        const handle = await start(tq);
        const cause = await failureOf(handle.result());
        return { cause, firstRunId: handle.firstExecutionRunId, lastRunId: (await handle.describe()).runId };
      },
    );
    expect((cause as ApplicationFailure).type).toBe('GpuOutOfMemoryAtBatchSizeOne');
    expect(lastRunId).not.toBe(firstRunId);
    expect(rec.claims.map((c) => c.rerunOf)).toEqual([undefined, firstRunId]);
    expect(rec.outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(rec.cleanups).toBe(2);
    expect(rec.alerts.map((a) => [a.kind, a.priority])).toEqual([
      ['job_failed', 'medium'],
      ['job_failed', 'high'],
    ]);
    expect(rec.alerts[0].title).toMatch(/running again in 300 s \(re-run 1 of 1\)$/);
  });

  it('shows progress while detecting', async () => {
    const rec = newRecorder();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await withWorker(fakeActivities(rec, { frameCount: 20, detectorGate: () => gate }), async (tq) => {
      const handle = await start(tq);
      // Wait (bounded) until the first batch is at the detector.
      for (let i = 0; i < 100 && rec.detectCalls.length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(rec.detectCalls).toHaveLength(1);

      const during = await handle.query<VideoAnalysisProgress>('videoProgress');
      expect(during).toMatchObject({
        status: 'running',
        step: 3,
        label: 'step 3/5 detect persons',
        framesExtracted: 20,
        batchSize: 32,
      });
      expect(during.steps.map((s) => [s.step, s.finishedAt !== undefined])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
      // What the Web UI shows as the run's current details.
      const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      expect(metadata.currentDetails).toContain('step 3/5 detect persons');
      expect(metadata.currentDetails).toContain('batch size 32');

      release();
      expect(await handle.result()).toMatchObject({ status: 'completed', detections: 20 });
    });
  });

  it('raises an alert when the job runs longer than 30 minutes, while the job keeps running', async () => {
    const rec = newRecorder();
    const order: string[] = [];
    const activities = fakeActivities(rec, { frameCount: 20, detectorOutage: '35 minutes' });
    const detect = activities.detectPersons;
    const alert = activities.publishVideoAlert;
    activities.detectPersons = async (req) => {
      order.push(`detect attempt ${Context.current().info.attempt}`);
      return detect(req);
    };
    activities.publishVideoAlert = async (a) => {
      order.push(`alert ${a.kind}`);
      return alert(a);
    };
    // The detector is down and asks for a retry in 35 minutes: the job is slow, not failed.
    // Waiting for the result lets the test server skip those 35 minutes.
    const { result, progress } = await withWorker(activities, async (tq) => {
      const handle = await start(tq);
      const result = (await handle.result()) as VideoAnalysisResult;
      return { result, progress: await handle.query<VideoAnalysisProgress>('videoProgress') };
    });
    // The alert went out at 30 minutes, between the failed attempt and the retry that finished the job.
    expect(order).toEqual(['detect attempt 1', 'alert long_running', 'detect attempt 2']);
    expect(rec.alerts).toEqual([expect.objectContaining({ kind: 'long_running', priority: 'high' })]);
    expect(rec.alerts[0].title).toMatch(/longer than 30 min/);
    expect(rec.alerts[0].message).toMatch(/Still at step 3\/5 detect persons after 30m 00s/);
    expect(result).toMatchObject({ status: 'completed', detections: 20 });
    expect(progress).toMatchObject({ status: 'completed', longRunningAlerted: true });
    expect(progress.elapsedSeconds).toBeGreaterThanOrEqual(35 * 60);
  });

  it('fails with the last database error after the configured attempts, saving nothing twice', async () => {
    const rec = newRecorder();
    const cause = await withWorker(fakeActivities(rec, { frameCount: 10, saveFails: true }), async (tq) => {
      const handle = await start(tq);
      const failure = await failureOf(handle.result());
      await keepHistory(handle, 'save-failed');
      return failure;
    });
    expect(rec.saveAttempts).toBe(3);
    expect((cause as ApplicationFailure).type).toBe('VideoSaveFailed');
    expect(cause.message).toMatch(/failed at step 4\/5 save detections/);
    expect(cause.message).toMatch(/after 3 attempt\(s\)/);
    expect(cause.message).toContain('connect ECONNREFUSED 127.0.0.1:5999');
    expect(cause.message).toMatch(/reanalyze=true/);
    expect(rec.cleanups).toBe(1);
  });

  it('cleans up when the job is cancelled mid-detection', async () => {
    const rec = newRecorder();
    const never = new Promise<void>(() => undefined);
    await withWorker(fakeActivities(rec, { frameCount: 20, detectorGate: () => never }), async (tq) => {
      const handle = await start(tq);
      for (let i = 0; i < 100 && rec.detectCalls.length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      await handle.cancel();
      const cause = await failureOf(handle.result());
      expect(cause).toBeInstanceOf(CancelledFailure);
      const progress = await handle.query<VideoAnalysisProgress>('videoProgress');
      expect(progress).toMatchObject({ status: 'cancelled', step: 5 });
      await keepHistory(handle, 'cancelled');
    });
    expect(rec.cleanups).toBe(1);
    expect(rec.outcomes).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(rec.alerts).toEqual([]);
  });

  it('does not analyse a video again when an earlier job finished and reanalyze is not set', async () => {
    const rec = newRecorder();
    // The extraction started beside the claim is still running when the claim answers, as ffmpeg
    // is on any real video. (An instant fake would race the cancel against its completion,
    // which the real server accepts but the time-skipping test server refuses.)
    const result = await withWorker(
      fakeActivities(rec, { frameCount: 10, alreadyAnalysed: true, extractionNeverEnds: true }),
      async (tq) => {
        const handle = await start(tq);
        const result = (await handle.result()) as VideoAnalysisResult;
        await Worker.runReplayHistory({ workflowBundle }, await handle.fetchHistory(), handle.workflowId);
        await keepHistory(handle, 'duplicate');
        return result;
      },
    );
    expect(result).toMatchObject({ status: 'duplicate', previousRunId: 'run-before', frames: 0 });
    // Nothing ran but the claim, the clean-up and what had started beside the claim; the
    // extraction was stopped before the clean-up, so ffmpeg cannot write after the removal.
    expect(rec.steps.filter((st) => st !== 'load')).toEqual([
      'extract',
      'claim',
      'extract stopped',
      'cleanup',
    ]);
    expect(rec.detectCalls).toEqual([]);
    expect(rec.alerts).toEqual([expect.objectContaining({ kind: 'duplicate_upload' })]);
    expect(rec.outcomes).toEqual([expect.objectContaining({ status: 'duplicate' })]);
  });

  it('replays the histories of earlier workflow code without non-determinism', async () => {
    const files = fs.readdirSync(HISTORIES_DIR).filter((f) => /^video-analysis-.*\.json$/.test(f));
    // Completed, failed, cancelled and duplicate jobs of the step-by-step code at least.
    expect(files.filter((f) => f.includes('-step-by-step-')).length).toBeGreaterThanOrEqual(4);
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle, replayName: 'video-fixtures' },
      files.map((file) => {
        const history = historyFromJSON(
          JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as unknown,
        );
        const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
        const input = JSON.parse(
          Buffer.from(started!.input!.payloads![0].data!).toString(),
        ) as VideoAnalysisInput;
        return { workflowId: videoWorkflowId(input.videoKey), history };
      }),
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
