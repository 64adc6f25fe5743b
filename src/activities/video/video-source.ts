import { realpath } from 'node:fs/promises';
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

/**
 * The real path of an existing video file, after following symbolic links, refused when it is
 * not inside the (real) source directory: a link placed in the directory must not let an event
 * read any file the worker can. The real path is what is read, so a link changed after this
 * check is not followed.
 */
export async function realVideoPathInside(sourceDir: string, video: string): Promise<string> {
  const [realRoot, realVideo] = await Promise.all([realpath(sourceDir), realpath(video)]);
  if (realVideo.startsWith(realRoot + path.sep)) return realVideo;
  throw ApplicationFailure.nonRetryable(
    `video file ${video} is a symbolic link (or lies under one) that resolves to ${realVideo}, outside the video source directory ${realRoot}`,
    INVALID_VIDEO_REFERENCE,
  );
}
