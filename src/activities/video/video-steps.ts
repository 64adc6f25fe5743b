import { Context } from '@temporalio/activity';
import { removeJobWorkDir } from '../../backends/video/work-dir';
import type { VideoActivities } from '../../contracts/video-activities';
import type { VideoActivityContext } from './context';
import { detectorFailure } from './detector-failures';
import { ensureFramesExtracted, ffmpegStandbyOf } from './frames';
import { keepHeartbeating } from './heartbeat';

/** Step 1: warms the detector up (loads the model onto the GPU). */
export function createLoadDetectionModel(ctx: VideoActivityContext): VideoActivities['loadDetectionModel'] {
  return async function loadDetectionModel(job) {
    const client = ctx.detector();
    const activity = Context.current();
    const stop = keepHeartbeating(activity, () => ({ phase: 'warming up the detector' }));
    try {
      const model = await client.warmUp(activity.cancellationSignal);
      ctx.log.info({ videoKey: job.videoKey, ...model }, 'detector ready');
      return model;
    } catch (err) {
      if (activity.cancellationSignal.aborted) throw err;
      throw detectorFailure(err);
    } finally {
      stop();
    }
  };
}

/** Step 2: ffprobe + ffmpeg at the frame rate into the job's work directory. */
export function createExtractFrames({ video, log }: VideoActivityContext): VideoActivities['extractFrames'] {
  return async function extractFrames({ job, source, frameRate }) {
    const activity = Context.current();
    let written = 0;
    const stop = keepHeartbeating(activity, () => ({ framesWritten: written }));
    try {
      const manifest = await ensureFramesExtracted({
        workRoot: video.workDir,
        sourceDir: video.sourceDir,
        standby: ffmpegStandbyOf(video),
        job,
        source,
        frameRate,
        signal: activity.cancellationSignal,
        onProgress: (n) => {
          written = n;
        },
      });
      const { frameCount, durationSeconds, width, height } = manifest;
      log.info({ videoKey: job.videoKey, frameCount, durationSeconds, frameRate }, 'frames extracted');
      return { frameCount, durationSeconds, width, height };
    } finally {
      stop();
    }
  };
}

/** Step 5: removes the job's work directory, whatever happened before. */
export function createCleanUpVideoJob({
  video,
  log,
}: VideoActivityContext): VideoActivities['cleanUpVideoJob'] {
  return async function cleanUpVideoJob(job) {
    const { dir, existed } = await removeJobWorkDir(video.workDir, job);
    log.info({ videoKey: job.videoKey, dir, existed }, 'work directory removed');
    return { removed: existed };
  };
}
