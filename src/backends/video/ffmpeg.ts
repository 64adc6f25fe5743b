import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { FRAME_EXTRACTION_FAILED, VIDEO_UNREADABLE } from '../../contracts/video-activities';
import { parseInputInfo } from './ffmpeg-input-info';
import { concatListFor, type FfmpegStandby, frameExtractionArgs } from './ffmpeg-standby';

/** ffprobe from the same place as ffmpeg (Debian installs both in /usr/bin). */
export function ffprobePathFor(ffmpegPath: string): string {
  return ffmpegPath.includes(path.sep) ? path.join(path.dirname(ffmpegPath), 'ffprobe') : 'ffprobe';
}

interface RunResult {
  code: number | null;
  stdout: string;
  /** The first MAX_CAPTURE characters: where ffmpeg describes its input. */
  stderr: string;
  /** The last TAIL_CAPTURE characters: where a failing program says why. */
  stderrTail: string;
}

const MAX_CAPTURE = 64 * 1024;
const TAIL_CAPTURE = 8 * 1024;

/** Runs a program to completion; `signal` kills it (cancellation). stdout lines go to onLine. */
function run(
  command: string,
  args: string[],
  signal: AbortSignal,
  onLine?: (line: string) => void,
): Promise<RunResult> {
  return outcomeOf(
    spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' }),
    onLine,
  );
}

/** Collects a started program's output until it exits; rejects when it could not be started. */
function outcomeOf(
  child: ChildProcess & { stdout: Readable; stderr: Readable },
  onLine?: (line: string) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let stderrTail = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (stdout.length < MAX_CAPTURE) stdout += text;
      if (!onLine) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.trim());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (stderr.length < MAX_CAPTURE) stderr += text;
      stderrTail = (stderrTail + text).slice(-TAIL_CAPTURE);
    });
    let startFailure: Error | undefined;
    child.on('error', (err) => {
      startFailure ??= err;
    });
    child.on('close', (code) => {
      // A program that never started has no exit code of its own (-ENOENT and the like).
      if (startFailure && (code === null || code < 0)) reject(startFailure);
      else resolve({ code, stdout, stderr, stderrTail });
    });
  });
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ') || '(no output)';
}

export interface VideoInfo {
  durationSeconds: number;
  width: number;
  height: number;
  codec: string;
}

/** Reads the video's stream info; a file ffprobe cannot read is a non-retryable VideoUnreadable. */
export async function probeVideo(ffmpegPath: string, file: string, signal: AbortSignal): Promise<VideoInfo> {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,codec_name:format=duration',
    '-of',
    'json',
    file,
  ];
  let result: RunResult;
  try {
    result = await run(ffprobePathFor(ffmpegPath), args, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    throw ApplicationFailure.retryable(
      `ffprobe could not be started: ${(err as Error).message}`,
      FRAME_EXTRACTION_FAILED,
    );
  }
  if (result.code !== 0) {
    throw ApplicationFailure.nonRetryable(
      `video ${path.basename(file)} is unreadable (corrupt or not a video): ffprobe says ${lastLines(result.stderrTail)}`,
      VIDEO_UNREADABLE,
    );
  }
  const parsed = JSON.parse(result.stdout || '{}') as {
    streams?: Array<{ width?: number; height?: number; codec_name?: string }>;
    format?: { duration?: string };
  };
  const stream = parsed.streams?.[0];
  if (!stream || !stream.width || !stream.height) {
    throw ApplicationFailure.nonRetryable(
      `file ${path.basename(file)} has no video stream`,
      VIDEO_UNREADABLE,
    );
  }
  return {
    durationSeconds: Number(parsed.format?.duration ?? 0) || 0,
    width: stream.width,
    height: stream.height,
    codec: stream.codec_name ?? 'unknown',
  };
}

// Errors that mean the input itself is bad: retrying the same bytes gives the same answer.
const UNREADABLE_INPUT =
  /invalid data found|moov atom not found|could not find codec|error while decoding|corrupt|truncat|end of file|no such file/i;

/** What extracting one video's frames needs to know. */
export interface FrameExtractionRequest {
  /** Where the ffmpeg processes come from (one waiting when possible). */
  standby: FfmpegStandby;
  /** The video's real path. */
  file: string;
  /** Gets frame_000001.jpg …; must not exist yet: the frames are moved there when all are written. */
  outDir: string;
  frameRate: number;
  /** Kills ffmpeg (cancellation). */
  signal: AbortSignal;
  /** ffmpeg's running frame count (for heartbeats). */
  onFrame: (frames: number) => void;
}

export interface FrameExtractionResult {
  /** The input's stream facts, when ffmpeg's log showed them. */
  info: VideoInfo | undefined;
  /** The ffmpeg process had been started before the extraction and was waiting for it. */
  ffmpegStartedAhead: boolean;
}

/**
 * Extracts frames at `frameRate` per second as JPEGs (frame_000001.jpg …) into outDir, in one
 * ffmpeg process (started ahead when one waits) that also reports the input's stream facts
 * (undefined when its log did not show them).
 */
export async function extractFrameFiles(request: FrameExtractionRequest): Promise<FrameExtractionResult> {
  const { standby, file, outDir, frameRate, signal } = request;
  const list = concatListFor(file);
  const onLine = (line: string) => {
    const m = /^frame=(\d+)$/.exec(line);
    if (m) request.onFrame(Number(m[1]));
  };
  const started = list === undefined ? undefined : standby.take(frameRate);
  // Listened to at once: a process that could not start says so while the directory is made.
  const outcome = started && outcomeOf(started.child, onLine);
  outcome?.catch(() => undefined); // Awaited below.
  let result: RunResult;
  try {
    if (started && outcome) {
      const { child } = started;
      const kill = () => child.kill('SIGKILL');
      signal.addEventListener('abort', kill, { once: true });
      if (signal.aborted) kill();
      try {
        await fs.mkdir(started.outDir, { recursive: true });
        child.stdin.end(list);
        result = await outcome;
      } finally {
        signal.removeEventListener('abort', kill);
      }
      if (signal.aborted) throw signal.reason;
    } else {
      // A path no concat list can name: an ffmpeg of its own reads the file directly.
      await fs.mkdir(outDir, { recursive: true });
      result = await run(standby.ffmpegPath, directArgs(file, outDir, frameRate), signal, onLine);
    }
  } catch (err) {
    if (started) await fs.rm(started.outDir, { recursive: true, force: true });
    if (signal.aborted) throw err;
    throw ApplicationFailure.retryable(
      `ffmpeg could not be started: ${(err as Error).message}`,
      FRAME_EXTRACTION_FAILED,
    );
  }
  if (result.code === 0) {
    if (started) {
      await fs.mkdir(path.dirname(outDir), { recursive: true });
      await fs.rename(started.outDir, outDir);
    }
    return { info: parseInputInfo(result.stderr), ffmpegStartedAhead: started?.wasWaiting ?? false };
  }
  if (started) await fs.rm(started.outDir, { recursive: true, force: true });
  const said = lastLines(result.stderrTail);
  if (UNREADABLE_INPUT.test(result.stderrTail)) {
    throw ApplicationFailure.nonRetryable(
      `video ${path.basename(file)} cannot be decoded: ffmpeg says ${said}`,
      VIDEO_UNREADABLE,
    );
  }
  throw ApplicationFailure.retryable(
    `ffmpeg failed (exit code ${result.code}): ${said}`,
    FRAME_EXTRACTION_FAILED,
  );
}

/** The same extraction, reading the file directly (for a path a concat list cannot name). */
function directArgs(file: string, outDir: string, frameRate: number): string[] {
  return frameExtractionArgs(['-i', file], frameRate, outDir);
}
