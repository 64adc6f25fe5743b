import { spawn } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { FRAME_EXTRACTION_FAILED, VIDEO_UNREADABLE } from '../../contracts/video-activities';
import { parseInputInfo } from './ffmpeg-input-info';
import { FRAME_PATTERN } from './work-dir';

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
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
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
    child.on('error', (err) => reject(err));
    child.on('close', (code) => resolve({ code, stdout, stderr, stderrTail }));
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

/**
 * Extracts frames at `frameRate` per second as JPEGs (frame_000001.jpg …) into outDir, in one
 * ffmpeg process that also reports the input's stream facts (undefined when its log did not
 * show them). onFrame is called with ffmpeg's running frame count (for heartbeats).
 */
export async function extractFrameFiles(
  ffmpegPath: string,
  file: string,
  outDir: string,
  frameRate: number,
  signal: AbortSignal,
  onFrame: (frames: number) => void,
): Promise<VideoInfo | undefined> {
  const args = [
    '-nostdin',
    '-hide_banner',
    // `info` prints the input's duration and size (read instead of running ffprobe); -nostats
    // keeps the per-frame status line out of it (progress comes from -progress on stdout).
    '-nostats',
    '-loglevel',
    'info',
    '-y',
    // Only the picture is needed: audio, subtitle and data packets are dropped by the demuxer.
    '-an',
    '-sn',
    '-dn',
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
  if (result.code === 0) return parseInputInfo(result.stderr);
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
