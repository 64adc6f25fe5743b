import { spawn } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { FRAME_EXTRACTION_FAILED, VIDEO_UNREADABLE } from '../../contracts/video-activities';
import { FRAME_PATTERN } from './work-dir';

/** ffprobe from the same place as ffmpeg (Debian installs both in /usr/bin). */
export function ffprobePathFor(ffmpegPath: string): string {
  return ffmpegPath.includes(path.sep) ? path.join(path.dirname(ffmpegPath), 'ffprobe') : 'ffprobe';
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAX_CAPTURE = 64 * 1024;

/** Runs a program to completion; `signal` kills it (cancellation). stdout lines go to onLine. */
function run(
  command: string,
  args: string[],
  signal: AbortSignal,
  onLine?: (line: string) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
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
      if (stderr.length < MAX_CAPTURE) stderr += chunk.toString();
    });
    child.on('error', (err) => reject(err));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
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
      `video ${path.basename(file)} is unreadable (corrupt or not a video): ffprobe says ${lastLines(result.stderr)}`,
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

/**
 * Extracts frames at `frameRate` per second as JPEGs (frame_000001.jpg …) into outDir.
 * onFrame is called with ffmpeg's running frame count (for heartbeats).
 */
export async function extractFrameFiles(
  ffmpegPath: string,
  file: string,
  outDir: string,
  frameRate: number,
  signal: AbortSignal,
  onFrame: (frames: number) => void,
): Promise<void> {
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    file,
    '-vf',
    `fps=${frameRate}`,
    '-q:v',
    '3',
    '-progress',
    'pipe:1',
    path.join(outDir, FRAME_PATTERN),
  ];
  let result: RunResult;
  try {
    result = await run(ffmpegPath, args, signal, (line) => {
      const m = /^frame=(\d+)$/.exec(line);
      if (m) onFrame(Number(m[1]));
    });
  } catch (err) {
    if (signal.aborted) throw err;
    throw ApplicationFailure.retryable(
      `ffmpeg could not be started: ${(err as Error).message}`,
      FRAME_EXTRACTION_FAILED,
    );
  }
  if (result.code === 0) return;
  const said = lastLines(result.stderr);
  if (UNREADABLE_INPUT.test(result.stderr)) {
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
