import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { VideoJobRef } from '../../contracts/video-activities';

/**
 * Where one job keeps its frames: `<VIDEO_WORK_DIR>/<readable video key>-<hash>/<run id>`.
 * Per run, so a re-analysis never shares (or deletes) another run's frames.
 */
export function jobWorkDir(workRoot: string, job: VideoJobRef): string {
  const readable = job.videoKey.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(job.videoKey).digest('hex').slice(0, 10);
  const run = job.runId.replace(/[^A-Za-z0-9._-]+/g, '_');
  return path.resolve(workRoot, `${readable}-${hash}`, run);
}

export function framesDir(jobDir: string): string {
  return path.join(jobDir, 'frames');
}

/** ffmpeg's output pattern and the name of frame n (1-based), which must agree. */
export const FRAME_PATTERN = 'frame_%06d.jpg';

export function framePath(jobDir: string, frame: number): string {
  return path.join(framesDir(jobDir), `frame_${String(frame).padStart(6, '0')}.jpg`);
}

/** Written last by a complete extraction: its presence means the frames are all there. */
export function framesManifestPath(jobDir: string): string {
  return path.join(jobDir, 'frames.json');
}

/** Removes the job's work directory, and the video's once no other run uses it; says whether it was there. */
export async function removeJobWorkDir(
  workRoot: string,
  job: VideoJobRef,
): Promise<{ dir: string; existed: boolean }> {
  const dir = jobWorkDir(workRoot, job);
  const existed = await fs
    .stat(dir)
    .then(() => true)
    .catch(() => false);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rmdir(path.dirname(dir)).catch(() => undefined);
  return { dir, existed };
}
