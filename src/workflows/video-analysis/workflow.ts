import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ExtractedFrames,
  VideoJobRef,
  VideoJobSettings,
  VideoSourceRef,
} from '../../contracts/video-activities';
import type { VideoAnalysisInput } from '../../contracts/workflows';
import { errorMessage } from '../../domain/error-message';
import { VIDEO_ID } from '../../contracts/search-attributes';
import { settingsActivity, videoActivityProxies } from './activities';
import { detectInBatches } from './detect-in-batches';
import { startEarly, type EarlyStart } from './early-start';
import { startLongJobAlarm } from './long-job-alarm';
import { videoProgressQuery } from './definitions';
import { formatDuration, ProgressTracker } from './progress';
import { planRerun, RERUN_PATCH, type RerunPlan } from './rerun';
import { saveInChunks } from './save-in-chunks';

/**
 * Marks runs that send the detector host's activities to VIDEO_DETECTOR_TASK_QUEUE; runs
 * recorded before it replay with every activity on the workflow's own queue.
 */
export const DETECTOR_TASK_QUEUE_PATCH = 'video-detector-task-queue';

/**
 * Marks runs that overlap steps to save round trips: frames are extracted while the job is
 * recorded and the detector warms up, the frames are removed while detections are saved, and
 * the outcome row is a local activity. Runs recorded before it replay step after step.
 */
export const OVERLAPPED_STEPS_PATCH = 'video-overlapped-steps';

/**
 * Marks runs whose last detector batch removes the frames and whose detections are saved as
 * local activities: from the last batch's answer to the result, one workflow task instead of
 * three (save, then clean-up and outcome). Runs recorded before it clean up and save as before.
 */
export const LAST_BATCH_CLEANS_UP_PATCH = 'video-last-batch-cleans-up';

/** Workflow failure type for anything that is not already a typed failure of a step. */
export const VIDEO_ANALYSIS_FAILED = 'VideoAnalysisFailed';

export interface VideoAnalysisResult {
  videoKey: string;
  /** `duplicate`: an earlier job of this video finished and `reanalyze` was not set; nothing ran. */
  status: 'completed' | 'duplicate';
  frames: number;
  detections: number;
  rowsInserted: number;
  /** Rows that were already in PostgreSQL (a resumed or retried save). */
  rowsAlreadySaved: number;
  finalBatchSize: number;
  oomHalvings: number;
  elapsedSeconds: number;
  model?: string;
  previousRunId?: string;
}

/** "step 2/5 extract frames failed: …" — the cause of an activity failure, not the wrapper. */
function describeFailure(err: unknown): { message: string; type: string } {
  if (err instanceof ApplicationFailure)
    return { message: err.message, type: err.type ?? VIDEO_ANALYSIS_FAILED };
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    const type = cause instanceof ApplicationFailure && cause.type ? cause.type : VIDEO_ANALYSIS_FAILED;
    return { message: `${err.activityType}: ${cause?.message ?? err.message}`, type };
  }
  return { message: errorMessage(err), type: VIDEO_ANALYSIS_FAILED };
}

/**
 * One uploaded video → one analysis job, in five steps reported as progress: load the
 * detection model, extract frames, detect persons (batches halved on GPU out-of-memory), save
 * detections to PostgreSQL (idempotent), clean up (always). Alerts when it runs too long or fails.
 */
export async function videoAnalysisWorkflow(input: VideoAnalysisInput): Promise<VideoAnalysisResult> {
  if (!input || typeof input.videoKey !== 'string' || input.videoKey.length === 0) {
    throw ApplicationFailure.nonRetryable(
      'video analysis needs an input with a non-empty videoKey (see VideoAnalysisInput)',
      'InvalidVideoAnalysisInput',
    );
  }
  const info = workflowInfo();
  const job: VideoJobRef = { videoKey: input.videoKey, workflowId: info.workflowId, runId: info.runId };
  const source: VideoSourceRef = { videoId: input.videoId, objectKey: input.objectKey, bucket: input.bucket };
  upsertSearchAttributes([{ key: VIDEO_ID, value: input.videoKey }]);

  const progress = new ProgressTracker(input.videoKey, Date.now(), 0);
  const report = () => setCurrentDetails(progress.summary(Date.now()));
  setHandler(videoProgressQuery, () => progress.snapshot(Date.now()));
  report();

  const settings: VideoJobSettings = await settingsActivity.videoJobSettings();
  progress.update({ batchSize: settings.initialBatchSize });
  const acts = videoActivityProxies(
    settings,
    patched(DETECTOR_TASK_QUEUE_PATCH) ? settings.detectorTaskQueue : undefined,
  );

  async function step<T>(n: number, run: () => Promise<T>): Promise<T> {
    progress.startStep(n, Date.now());
    report();
    log.info(progress.label, {
      videoKey: job.videoKey,
      elapsedSeconds: progress.snapshot(Date.now()).elapsedSeconds,
    });
    const result = await run();
    progress.finishStep(Date.now());
    report();
    const snap = progress.snapshot(Date.now());
    log.info(`${progress.label} done`, {
      videoKey: job.videoKey,
      stepSeconds: snap.steps[snap.steps.length - 1]?.elapsedSeconds,
      elapsedSeconds: snap.elapsedSeconds,
      frames: snap.framesExtracted,
      framesDetected: snap.framesDetected,
      detections: snap.detections,
      rowsSaved: snap.rowsSaved,
      batchSize: snap.batchSize,
    });
    return result;
  }

  const alarm = startLongJobAlarm(settings.longJobAlertMinutes, async () => {
    progress.update({ longRunningAlerted: true });
    report();
    const snap = progress.snapshot(Date.now());
    await acts.housekeeping.publishVideoAlert({
      job,
      kind: 'long_running',
      priority: 'high',
      title: `Video analysis of ${job.videoKey} is running longer than ${settings.longJobAlertMinutes} min`,
      message: `Still at ${snap.label} after ${formatDuration(snap.elapsedSeconds)} (${snap.framesDetected}/${snap.framesExtracted} frames detected, batch size ${snap.batchSize}); the job keeps running.`,
      details: { progress: snap },
    });
  });

  let result: VideoAnalysisResult | undefined;
  let failure: unknown;
  // The detector warms up while the job is recorded: it saves a round trip on every job, and
  // warming up has no effect worth undoing when the job turns out to be a duplicate (then its
  // result is simply not used; the run does not wait for it).
  const modelLoading = acts.detector.loadDetectionModel(job);
  modelLoading.catch(() => undefined); // Awaited in step 1; a failure surfaces there.
  const overlapped = patched(OVERLAPPED_STEPS_PATCH);
  // Frames are extracted beside them too: ffmpeg is the longest step before detection. A
  // duplicate (rare: the bridge already refuses a second start of an upload) costs one
  // extraction, stopped as soon as the claim says so and removed by the clean-up.
  const extraction: EarlyStart<ExtractedFrames> | undefined = overlapped
    ? startEarly(() => acts.frames.extractFrames({ job, source, frameRate: settings.frameRate }))
    : undefined;
  let cleaning: Promise<unknown> | undefined;
  try {
    progress.startStep(1, Date.now());
    report();
    const claim = await acts.database.claimVideoJob({
      job,
      eventId: input.eventId,
      reanalyze: input.reanalyze === true,
      ...(input.rerun ? { rerunOf: input.rerun.previousRunId } : {}),
    });
    if (claim.alreadyAnalysed) {
      // Only awaited when there is one: even an `await undefined` would reorder this task's
      // commands against runs recorded before the patch.
      if (extraction) await extraction.stop();
      log.warn('duplicate upload: this video was analysed before and reanalyze is not set', {
        videoKey: job.videoKey,
        previousRunId: claim.previousRunId,
      });
      result = {
        videoKey: job.videoKey,
        status: 'duplicate',
        frames: 0,
        detections: 0,
        rowsInserted: 0,
        rowsAlreadySaved: 0,
        finalBatchSize: settings.initialBatchSize,
        oomHalvings: 0,
        elapsedSeconds: 0,
        previousRunId: claim.previousRunId,
      };
      await acts.housekeeping
        .publishVideoAlert({
          job,
          kind: 'duplicate_upload',
          priority: 'low',
          title: `Duplicate upload of ${job.videoKey} ignored`,
          message: `An earlier analysis job (run ${claim.previousRunId}, ${claim.previousStatus}) of this video finished; not analysed again because reanalyze is not set.`,
          details: {
            previousRunId: claim.previousRunId,
            previousStatus: claim.previousStatus,
            eventId: input.eventId,
          },
        })
        .catch((err: unknown) =>
          log.error('duplicate upload alert could not be published', { error: describeFailure(err).message }),
        );
    } else {
      const model = await step(1, () => modelLoading);
      progress.update({ model: [model.model, model.version].filter(Boolean).join('@') });

      const frames = await step(
        2,
        () => extraction?.result ?? acts.frames.extractFrames({ job, source, frameRate: settings.frameRate }),
      );
      progress.update({ framesExtracted: frames.frameCount });

      const lastBatchCleansUp = overlapped && patched(LAST_BATCH_CLEANS_UP_PATCH);
      const { detections, framesRemoved } = await step(3, () =>
        detectInBatches(acts.detector, {
          job,
          source,
          frameRate: settings.frameRate,
          frameCount: frames.frameCount,
          initialBatchSize: settings.initialBatchSize,
          removeFramesAfterLast: lastBatchCleansUp,
          onProgress: (p) => {
            progress.update(p);
            report();
          },
        }),
      );

      if (framesRemoved) {
        // The last batch removed them: step 5 has nothing left to do.
        cleaning = Promise.resolve({ removed: true });
      } else if (overlapped) {
        // The frames are not needed once detection is done: they are removed while the detections
        // are saved (step 5 then only waits for it). Not cancellable, like the clean-up at the end.
        cleaning = CancellationScope.nonCancellable(() => acts.cleanUp.cleanUpVideoJob(job));
        cleaning.catch(() => undefined); // Awaited in step 5; a failure is logged there.
      }
      const saved = await step(4, () =>
        saveInChunks(
          lastBatchCleansUp
            ? { kind: 'local first', localSave: acts.localSave, databaseRetries: acts.databaseRetries }
            : { kind: 'activity', database: acts.database },
          job,
          detections,
          settings,
          (rowsSaved) => {
            progress.update({ rowsSaved });
            report();
          },
        ),
      );
      const snap = progress.snapshot(Date.now());
      result = {
        videoKey: job.videoKey,
        status: 'completed',
        frames: frames.frameCount,
        detections: detections.length,
        rowsInserted: saved.inserted,
        rowsAlreadySaved: saved.alreadySaved,
        finalBatchSize: snap.batchSize,
        oomHalvings: snap.oomHalvings,
        elapsedSeconds: 0,
        model: snap.model,
      };
    }
  } catch (err) {
    failure = err;
  } finally {
    alarm.cancel();
  }

  // Step 5 and the bookkeeping run whatever happened, also when the job was cancelled.
  const ended = await CancellationScope.nonCancellable(async (): Promise<VideoAnalysisResult | RerunPlan> => {
    const failedAt = progress.label;
    const cancelled = failure !== undefined && isCancellation(failure);
    const problem = failure === undefined || cancelled ? undefined : describeFailure(failure);
    const status = result && failure === undefined ? result.status : cancelled ? 'cancelled' : 'failed';
    const message = problem && `Video analysis of ${job.videoKey} failed at ${failedAt}: ${problem.message}`;
    const rerun =
      problem && patched(RERUN_PATCH) ? planRerun(input, settings, problem, info.runId) : undefined;
    if (problem) progress.update({ error: problem.message });
    if (cancelled) progress.update({ error: 'cancelled' });
    const snap = progress.snapshot(Date.now());
    // An extraction started early must have stopped before its directory is removed. (Not
    // `await extraction?.stop()`: that extra turn would let the alarm's timer cancellation
    // overtake the commands below in runs recorded before the patch.)
    if (extraction) await extraction.stop();

    // Clean-up, the job's record and the failure alert are independent: done side by side.
    await Promise.all([
      step(5, () => cleaning ?? acts.cleanUp.cleanUpVideoJob(job)).catch((err: unknown) =>
        log.error('clean-up of the work directory failed', {
          videoKey: job.videoKey,
          error: describeFailure(err).message,
        }),
      ),
      recordOutcome({
        status,
        frames: result?.frames ?? snap.framesExtracted,
        detections: result?.detections ?? snap.detections,
        error: message ?? (cancelled ? 'cancelled' : undefined),
      }),
      problem &&
        acts.housekeeping
          .publishVideoAlert({
            job,
            kind: 'job_failed',
            // A failure that runs again is a warning; the last one is what needs a person.
            priority: rerun ? 'medium' : 'high',
            title: rerun
              ? `Video analysis of ${job.videoKey} failed; running again in ${rerun.delaySeconds} s (re-run ${rerun.next.attempt} of ${rerun.allowed})`
              : `Video analysis of ${job.videoKey} failed`,
            message:
              message! +
              (input.rerun
                ? ` (re-run ${input.rerun.attempt} of a job that first failed: ${input.rerun.reason})`
                : ''),
            details: {
              failureType: problem.type,
              failedAt,
              progress: snap,
              rerun: rerun?.next,
              rerunOf: input.rerun,
            },
          })
          .catch((err: unknown) =>
            log.error('job failure alert could not be published', { error: describeFailure(err).message }),
          ),
    ]);
    progress.end(status, Date.now());
    report();

    if (result && failure === undefined) {
      result.elapsedSeconds = progress.snapshot(Date.now()).elapsedSeconds;
      return result;
    }
    if (cancelled) throw failure;
    if (rerun) return rerun;
    throw ApplicationFailure.create({
      message: message!,
      type: problem!.type,
      nonRetryable: true,
      cause: failure instanceof Error ? failure : undefined,
    });
  });
  if ('videoKey' in ended) return ended;

  // The same job runs again as a new run of this workflow (same id, so the duplicate guard holds);
  // cancelling it while it waits ends it.
  setCurrentDetails(
    `${progress.summary(Date.now())}\nRunning again in ${ended.delaySeconds} s (re-run ${ended.next.attempt} of ${ended.allowed}).`,
  );
  log.warn('video analysis failed; running the job again', { videoKey: job.videoKey, ...ended.next });
  await sleep(ended.delaySeconds * 1000);
  return await continueAsNew<typeof videoAnalysisWorkflow>({ ...input, rerun: ended.next });

  async function recordOutcome(outcome: {
    status: 'completed' | 'failed' | 'cancelled' | 'duplicate';
    frames?: number;
    detections?: number;
    error?: string;
  }) {
    try {
      const record = overlapped ? acts.outcome : acts.database;
      await record.recordVideoJobOutcome({ job, ...outcome });
    } catch (err) {
      // The job's own result matters more than its bookkeeping row (PostgreSQL may be the reason it failed).
      log.error('job outcome could not be recorded in PostgreSQL', {
        videoKey: job.videoKey,
        error: describeFailure(err).message,
      });
    }
  }
}
