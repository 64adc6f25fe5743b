import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { VideoAnalysisResult } from '../../src/workflows/video-analysis';
import { uniqueName } from '../../test/helpers/stack';
import { makeTestVideo } from '../../test/helpers/test-video';
import { videoWorkflowId } from '../../src/contracts/workflows';
import {
  eventually,
  expectedPersons,
  openVideoHarness,
  type VideoHarness,
} from '../../test/helpers/video-harness';
import type { DrillRun, VideoJobTally } from './tally';

/** 8 s at 5 frames/s: 40 frames, so the first batch is the full 32 and halving reaches 1 in 5 steps. */
const FRAME_RATE = 5;
const VIDEO_SECONDS = 8;
/** Jobs whose detector copes with single frames only, side by side; then jobs it cannot serve at all. */
const JOBS_FITTING_AT_ONE = 4;
const JOBS_NEVER_FITTING = 2;

type Outcome =
  | { videoKey: string; completed: VideoAnalysisResult }
  | { videoKey: string; failure: ApplicationFailure | Error };

async function outcomeOf(videoKey: string, handle: WorkflowHandle): Promise<Outcome> {
  try {
    return { videoKey, completed: (await handle.result()) as VideoAnalysisResult };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? (err.cause as ApplicationFailure) : (err as Error);
    return { videoKey, failure: cause };
  }
}

async function workflowRuns(h: VideoHarness, videoKey: string): Promise<number> {
  let runs = 0;
  for await (const _ of h.client.workflow.list({ query: `WorkflowId = '${videoWorkflowId(videoKey)}'` }))
    runs++;
  return runs;
}

/** The job-failed alarms on the real alerts topic, by video key (one consumer for the whole run). */
async function collectJobFailedAlarms(h: VideoHarness) {
  const messages = new Map<string, string>();
  const consumer = h.kafka.consumer({ groupId: uniqueName('oom-drill-alerts'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: h.config.kafka.topicAlerts, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const alert = JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>;
      if (alert.kind === 'job_failed') messages.set(String(alert.video_key), String(alert.message));
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}

/**
 * Drill (g): the detector answers GPU out-of-memory for every batch above one frame while four
 * jobs run side by side (each must halve 32 → 16 → 8 → 4 → 2 → 1 and finish, every frame detected
 * once, every person saved once); then it answers out-of-memory even for one frame while two more
 * jobs run (each must fail with the reason and raise the job-failed alarm). A job that neither
 * finished whole nor failed with the reason and its alarm is lost. Recovery is from the first job
 * started until the last one ended.
 */
export async function detectorOomDrill(): Promise<DrillRun> {
  process.env.FFMPEG_PATH ??= 'ffmpeg';
  const h = await openVideoHarness({ env: { VIDEO_FRAME_RATE: String(FRAME_RATE), VIDEO_BATCH_SIZE: '32' } });
  const video = await makeTestVideo(path.join(h.sourceDir, 'oom.mp4'), { seconds: VIDEO_SECONDS, rate: 10 });
  const objectKey = path.relative(h.sourceDir, video);
  const worker = await h.startWorker();
  const alarms = await collectJobFailedAlarms(h);
  try {
    const startedAt = Date.now();
    const runJobs = async (count: number, tag: string) => {
      const keys = Array.from({ length: count }, (_, i) => uniqueName(`oom-${tag}-${i}`));
      const handles = await Promise.all(keys.map((videoKey) => h.startJob({ videoKey, objectKey })));
      return Promise.all(handles.map((handle, i) => outcomeOf(keys[i], handle)));
    };

    h.detector.behaviour.oomAboveBatchSize = 1;
    const fitting = await runJobs(JOBS_FITTING_AT_ONE, 'fits');
    h.detector.behaviour.oomAboveBatchSize = 0;
    const never = await runJobs(JOBS_NEVER_FITTING, 'never');
    const endedAt = Date.now();
    // The alarm goes out beside the job's last steps: give it a bounded while to arrive.
    await eventually(
      'the job-failed alarms',
      () => never.every((o) => alarms.messages.has(o.videoKey)),
      60_000,
    ).catch(() => undefined);

    const frames = FRAME_RATE * VIDEO_SECONDS;
    const persons = expectedPersons(h.detector, frames);
    let lost = 0;
    let duplicated = 0;
    let savedExactlyOnce = 0;
    let failedClearly = 0;
    let minBatch = Infinity;
    for (const o of fitting) {
      const rows = await h.rows(o.videoKey);
      duplicated += rows.total - rows.distinct;
      const whole =
        'completed' in o && o.completed.detections === persons && o.completed.finalBatchSize === 1;
      if ('completed' in o) minBatch = Math.min(minBatch, o.completed.finalBatchSize);
      if (whole && rows.total === persons && rows.distinct === persons) savedExactlyOnce++;
      else lost++;
    }
    for (const o of never) {
      const alarm = alarms.messages.get(o.videoKey);
      const clear =
        'failure' in o &&
        (o.failure as ApplicationFailure).type === 'GpuOutOfMemoryAtBatchSizeOne' &&
        /batch of 1 frame/.test(o.failure.message);
      if (clear && alarm && /batch of 1 frame/.test(alarm)) failedClearly++;
      else lost++;
      duplicated += (await h.rows(o.videoKey)).total;
    }
    for (const o of [...fitting, ...never])
      duplicated += Math.max(0, (await workflowRuns(h, o.videoKey)) - 1);
    // Every frame of every finished job was detected once: a successful answer per frame and job.
    const framesAnalysed = h.detector.requests
      .filter((r) => r.outcome === 'ok')
      .reduce((n, r) => n + r.frames.length, 0);
    duplicated += Math.max(0, framesAnalysed - frames * JOBS_FITTING_AT_ONE);
    const oomAnswers = h.detector.requests.filter((r) => r.outcome === 'oom').length;

    const videoJobs: VideoJobTally = {
      jobs: fitting.length + never.length,
      completed: fitting.filter((o) => 'completed' in o).length,
      savedExactlyOnce,
      failedWithReasonAndAlarm: failedClearly,
      framesAnalysed,
      oomAnswers,
      smallestBatch: Number.isFinite(minBatch) ? minBatch : undefined,
    };
    return {
      produced: videoJobs.jobs,
      delivered: savedExactlyOnce + failedClearly,
      lost,
      duplicated,
      redeliveriesDropped: 0,
      outOfOrderModels: 0,
      videoJobs,
      recoverSeconds: lost === 0 ? Math.round((endedAt - startedAt) / 100) / 10 : undefined,
    };
  } finally {
    await alarms.stop().catch(() => undefined);
    await worker.stop();
    await h.close();
  }
}
