import fs from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { extractFrameFiles, probeVideo, type VideoInfo } from '../../backends/video/ffmpeg';
import { ffmpegStandbyFor, type FfmpegStandby } from '../../backends/video/ffmpeg-standby';
import type { VideoConfig } from '../../config/video';
import {
  ExtractedFrames,
  VIDEO_NOT_FOUND,
  VIDEO_UNREADABLE,
  VideoJobRef,
  VideoSourceRef,
} from '../../contracts/video-activities';
import { realVideoPathInside, resolveVideoPath } from './video-source';
import { framesDir, framesManifestPath, jobWorkDir } from '../../backends/video/work-dir';

/**
 * One ffmpeg process: frames and the stream facts. ffprobe runs only when ffmpeg's log lacked
 * the facts, or when ffmpeg failed: then ffprobe's verdict on an unreadable file is the clearer
 * one to report, and ffmpeg's own error stands when ffprobe finds nothing wrong.
 */
async function extractOnce(options: EnsureFramesOptions, video: string, dir: string): Promise<VideoInfo> {
  const { standby, signal } = options;
  let info: VideoInfo | undefined;
  try {
    ({ info } = await extractFrameFiles({
      standby,
      file: video,
      outDir: dir,
      frameRate: options.frameRate,
      signal,
      onFrame: options.onProgress,
    }));
  } catch (err) {
    if (signal.aborted) throw err;
    const verdict = await probeVideo(standby.ffmpegPath, video, signal).then(
      () => undefined,
      (probeErr: unknown) => probeErr,
    );
    if (verdict instanceof ApplicationFailure && verdict.type === VIDEO_UNREADABLE) throw verdict;
    throw err;
  }
  return info ?? (await probeVideo(standby.ffmpegPath, video, signal));
}

/** The process's waiting ffmpeg processes for these settings (VIDEO_FFMPEG_STANDBY). */
export function ffmpegStandbyOf(video: VideoConfig): FfmpegStandby {
  return ffmpegStandbyFor({
    ffmpegPath: video.ffmpegPath,
    workRoot: video.workDir,
    waiting: video.ffmpegStandby,
  });
}

export interface FramesManifest extends ExtractedFrames {
  frameRate: number;
  video: string;
}

export interface EnsureFramesOptions {
  workRoot: string;
  sourceDir: string;
  /** Where ffmpeg comes from (ffmpegStandbyFor; ffprobe is next to it). */
  standby: FfmpegStandby;
  job: VideoJobRef;
  source: VideoSourceRef;
  frameRate: number;
  signal: AbortSignal;
  /** Called while ffmpeg runs (for activity heartbeats). */
  onProgress: (framesWritten: number) => void;
}

async function readManifest(file: string): Promise<FramesManifest | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as FramesManifest;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the job's frames are on this machine's disk: returns the manifest of a complete
 * earlier extraction, or extracts them (again). Idempotent: ffmpeg gives the same frames for
 * the same video and rate, so a retry or another worker host can always rebuild them.
 */
export async function ensureFramesExtracted(options: EnsureFramesOptions): Promise<FramesManifest> {
  const jobDir = jobWorkDir(options.workRoot, options.job);
  const manifestFile = framesManifestPath(jobDir);
  const existing = await readManifest(manifestFile);
  if (existing && existing.frameRate === options.frameRate) return existing;

  const named = resolveVideoPath(options.sourceDir, options.source);
  const stat = await fs.stat(named).catch(() => undefined);
  if (!stat?.isFile()) {
    throw ApplicationFailure.nonRetryable(
      `video file ${named} does not exist (resolved under VIDEO_SOURCE_DIR=${path.resolve(options.sourceDir)})`,
      VIDEO_NOT_FOUND,
    );
  }
  const video = await realVideoPathInside(options.sourceDir, named);
  // A half-finished earlier attempt may have left frames behind: they go, and the new ones are
  // moved in complete.
  const dir = framesDir(jobDir);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(jobDir, { recursive: true });

  const info = await extractOnce(options, video, dir);
  const names = (await fs.readdir(dir)).filter((n) => /^frame_\d{6}\.jpg$/.test(n)).sort();
  if (names.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `video ${path.basename(video)} has no decodable frames`,
      VIDEO_UNREADABLE,
    );
  }
  const manifest: FramesManifest = {
    frameCount: names.length,
    // A concat list (how ffmpeg is given its video) hides the duration: the frames tell it then.
    durationSeconds: info.durationSeconds || names.length / options.frameRate,
    width: info.width,
    height: info.height,
    frameRate: options.frameRate,
    video,
  };
  const tmp = `${manifestFile}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(manifest));
  await fs.rename(tmp, manifestFile);
  return manifest;
}
