import fs from 'node:fs/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DetectorClient } from '../../clients/detector';
import type { VideoConfig } from '../../config/video';
import { detectorFailure } from './detector-failures';
import { ensureFramesExtracted, ffmpegStandbyOf } from './frames';
import { keepHeartbeating } from './heartbeat';
import type {
  DetectBatchRequest,
  DetectBatchResult,
  PersonDetection,
} from '../../contracts/video-activities';
import { framePath, jobWorkDir, removeJobWorkDir } from '../../backends/video/work-dir';

const PERSON = 'person';

/**
 * One detector batch: frames [firstFrame, firstFrame + count) of the job, read from the work
 * directory (extracted again first if this host does not have them), sent in one request.
 * Only `person` detections are kept; a detection's index is its position among the frame's persons.
 */
export async function detectPersonsBatch(
  config: VideoConfig,
  detector: DetectorClient,
  request: DetectBatchRequest,
): Promise<DetectBatchResult> {
  const ctx = Context.current();
  const last = request.firstFrame + request.count - 1;
  let phase = 'reading frames';
  const stop = keepHeartbeating(ctx, () => ({ firstFrame: request.firstFrame, count: request.count, phase }));
  try {
    const manifest = await ensureFramesExtracted({
      workRoot: config.workDir,
      sourceDir: config.sourceDir,
      standby: ffmpegStandbyOf(config),
      job: request.job,
      source: request.source,
      frameRate: request.frameRate,
      signal: ctx.cancellationSignal,
      onProgress: (n) => {
        phase = `extracting frames again on this host (${n} written)`;
      },
    });
    if (request.firstFrame < 1 || request.count < 1 || last > manifest.frameCount) {
      throw ApplicationFailure.nonRetryable(
        `frames ${request.firstFrame}-${last} requested but the video has ${manifest.frameCount} frames`,
        'FrameRangeInvalid',
      );
    }
    const jobDir = jobWorkDir(config.workDir, request.job);
    const numbers = Array.from({ length: request.count }, (_, i) => request.firstFrame + i);
    const frames = await Promise.all(
      numbers.map(async (frame) => ({ frame, jpeg: await fs.readFile(framePath(jobDir, frame)) })),
    );

    phase = `waiting for the detector (${request.count} frames)`;
    const started = Date.now();
    const results = await detector.detect(frames, ctx.cancellationSignal);
    const detectorMs = Date.now() - started;

    const detections: PersonDetection[] = [];
    for (const result of results) {
      const persons = result.detections.filter((d) => d.label.toLowerCase() === PERSON);
      persons.forEach((d, index) =>
        detections.push({
          frame: result.frame,
          index,
          timeSec: Math.round(((result.frame - 1) / request.frameRate) * 1000) / 1000,
          label: PERSON,
          confidence: d.confidence,
          box: d.box,
        }),
      );
    }
    if (!request.removeFramesAfter) return { detections, detectorMs };
    // The job's last batch: nothing reads these frames any more (a retry extracts them again).
    phase = 'removing the frames';
    // Not removed (a file system error): the workflow's clean-up step tries again and reports it.
    const framesRemoved = await removeJobWorkDir(config.workDir, request.job).then(
      () => true,
      () => false,
    );
    return { detections, detectorMs, framesRemoved };
  } catch (err) {
    // Cancellation (the job was cancelled, the worker shuts down) passes through untouched.
    if (ctx.cancellationSignal.aborted) throw err;
    throw detectorFailure(err, { firstFrame: request.firstFrame, count: request.count });
  } finally {
    stop();
  }
}
