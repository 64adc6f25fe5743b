/**
 * Step 3: frames go to the detector batch by batch, one activity per batch, so a worker that
 * dies mid-detection loses at most the batch in flight. On a GPU out-of-memory answer the batch
 * is halved (32 → 16 → 8 …) and the same frames are tried again; detections already made stay.
 */
import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import type { PersonDetection, VideoJobRef, VideoSourceRef } from '../../contracts/video-activities';
import { GPU_OUT_OF_MEMORY } from '../../contracts/video-activities';
import type { VideoActivityProxies } from './activities';

/** Workflow failure type: the detector ran out of GPU memory even for a single frame. */
export const GPU_OUT_OF_MEMORY_AT_ONE_FRAME = 'GpuOutOfMemoryAtBatchSizeOne';

export interface BatchProgress {
  framesDetected: number;
  detections: number;
  batchSize: number;
  oomHalvings: number;
  detectorSeconds: number;
}

export interface DetectInBatchesInput {
  job: VideoJobRef;
  source: VideoSourceRef;
  frameRate: number;
  frameCount: number;
  initialBatchSize: number;
  /** The last batch removes the job's frames once the detector has answered. */
  removeFramesAfterLast?: boolean;
  onProgress(progress: BatchProgress): void;
}

export interface DetectedPersons {
  detections: PersonDetection[];
  /** The last batch removed the job's frames: the clean-up has nothing left to do. */
  framesRemoved: boolean;
}

function isOutOfMemory(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === GPU_OUT_OF_MEMORY
  );
}

/** Detects persons on every frame exactly once (per successful batch); returns all detections. */
export async function detectInBatches(
  detector: VideoActivityProxies['detector'],
  input: DetectInBatchesInput,
): Promise<DetectedPersons> {
  const detections: PersonDetection[] = [];
  const progress: BatchProgress = {
    framesDetected: 0,
    detections: 0,
    batchSize: input.initialBatchSize,
    oomHalvings: 0,
    detectorSeconds: 0,
  };
  input.onProgress({ ...progress });
  let next = 1;
  let framesRemoved = false;
  while (next <= input.frameCount) {
    const count = Math.min(progress.batchSize, input.frameCount - next + 1);
    const last = next + count - 1;
    // Only set when asked, so runs recorded before it schedule the same input.
    const removeFrames =
      input.removeFramesAfterLast && last === input.frameCount ? { removeFramesAfter: true } : {};
    try {
      const result = await detector.detectPersons.executeWithOptions(
        // Merged into the proxy's options: the Web UI shows which frames each attempt covers.
        { summary: `detect frames ${next}-${last} of ${input.frameCount} (batch size ${count})` },
        [
          {
            job: input.job,
            source: input.source,
            frameRate: input.frameRate,
            firstFrame: next,
            count,
            ...removeFrames,
          },
        ],
      );
      for (const d of result.detections) detections.push(d);
      framesRemoved = result.framesRemoved === true;
      next = last + 1;
      progress.framesDetected = last;
      progress.detections = detections.length;
      progress.detectorSeconds =
        Math.round((progress.detectorSeconds + result.detectorMs / 1000) * 1000) / 1000;
      input.onProgress({ ...progress });
    } catch (err) {
      if (!isOutOfMemory(err)) throw err;
      // Halve what was actually sent: a short last batch halves from its own size.
      const halved = Math.floor(count / 2);
      if (halved < 1) {
        throw ApplicationFailure.nonRetryable(
          `Person detection failed: the detector ran out of GPU memory even with a batch of 1 frame ` +
            `(frame ${next}; batch size halved from ${input.initialBatchSize} ${progress.oomHalvings} time(s)); ` +
            `no smaller batch is possible. Detector said: ${(err as ActivityFailure).cause?.message ?? ''}`,
          GPU_OUT_OF_MEMORY_AT_ONE_FRAME,
          { frame: next, initialBatchSize: input.initialBatchSize, framesDetected: progress.framesDetected },
        );
      }
      log.warn('GPU out of memory: halving the detector batch', { from: count, to: halved, frame: next });
      progress.batchSize = halved;
      progress.oomHalvings += 1;
      input.onProgress({ ...progress });
    }
  }
  return { detections, framesRemoved };
}
