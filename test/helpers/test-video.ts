import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface TestVideoOptions {
  seconds: number;
  /** ffmpeg size, e.g. 160x120. */
  size?: string;
  /** Frames per second of the video itself. */
  rate?: number;
}

/** A real video file made by ffmpeg's test source (`-f lavfi -i testsrc`), via FFMPEG_PATH. */
export async function makeTestVideo(file: string, options: TestVideoOptions): Promise<string> {
  const ffmpeg = process.env.FFMPEG_PATH;
  if (!ffmpeg)
    throw new Error('FFMPEG_PATH is not set: run the tests with `npm test` (global setup provisions ffmpeg)');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const source = `testsrc=duration=${options.seconds}:size=${options.size ?? '160x120'}:rate=${options.rate ?? 10}`;
  await execFileAsync(
    ffmpeg,
    [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      source,
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'mpeg4',
      file,
    ],
    {
      timeout: 60_000,
    },
  );
  return file;
}

/** A file named like a video that no decoder can read. */
export function makeCorruptVideo(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    Buffer.concat([Buffer.from('definitely not an mp4 container '), Buffer.alloc(4096, 0x5a)]),
  );
  return file;
}
