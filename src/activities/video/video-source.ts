import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_VIDEO_REFERENCE, VideoSourceRef } from '../../contracts/video-activities';

/**
 * The file of an uploaded video: `<VIDEO_SOURCE_DIR>/<bucket>/<object key>` (bucket only when
 * given), or `<VIDEO_SOURCE_DIR>/<video id>` when the event has no object key. A reference
 * that would leave the source directory (`..`, an absolute path elsewhere) is refused.
 */
export function resolveVideoPath(sourceDir: string, ref: VideoSourceRef): string {
  const root = path.resolve(sourceDir);
  const relative = ref.objectKey ?? ref.videoId;
  if (!relative) {
    throw ApplicationFailure.nonRetryable(
      'the video event names neither an object key nor a video id',
      INVALID_VIDEO_REFERENCE,
    );
  }
  const parts = ref.objectKey && ref.bucket ? [ref.bucket, relative] : [relative];
  const resolved = path.resolve(root, ...parts.map((p) => p.replace(/^\/+/, '')));
  if (resolved !== root && resolved.startsWith(root + path.sep)) return resolved;
  throw ApplicationFailure.nonRetryable(
    `video reference ${JSON.stringify(parts.join('/'))} points outside the video source directory ${root}`,
    INVALID_VIDEO_REFERENCE,
  );
}
