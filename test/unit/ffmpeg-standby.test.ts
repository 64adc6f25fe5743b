import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { extractFrameFiles, type FrameExtractionResult } from '../../src/backends/video/ffmpeg';
import { concatListFor, FfmpegStandby } from '../../src/backends/video/ffmpeg-standby';
import { makeCorruptVideo, makeTestVideo } from '../helpers/test-video';

/**
 * Frame extraction with ffmpeg processes started ahead (real ffmpeg, FFMPEG_PATH): a waiting
 * process gives the same frames as one started for the extraction, nothing is left behind on
 * failure or cancellation, and closing the standby stops the waiting processes.
 */

jest.setTimeout(120_000);

const FRAME_RATE = 2;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

function frameFiles(dir: string): Map<string, Buffer> {
  return new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name))]),
  );
}

describe('ffmpeg started ahead of frame extraction', () => {
  let root: string;
  let workRoot: string;
  let video: string;
  const standbys: FfmpegStandby[] = [];

  function newStandby(waiting: number, ffmpegPath = process.env.FFMPEG_PATH!): FfmpegStandby {
    const standby = new FfmpegStandby({ ffmpegPath, workRoot, waiting });
    standbys.push(standby);
    return standby;
  }

  function extract(
    standby: FfmpegStandby,
    name: string,
    file = video,
    signal = new AbortController().signal,
  ): Promise<FrameExtractionResult> {
    return extractFrameFiles({
      standby,
      file,
      outDir: path.join(workRoot, name, 'frames'),
      frameRate: FRAME_RATE,
      signal,
      onFrame: () => undefined,
    });
  }

  /** What the work directory holds besides the jobs' own directories. */
  const leftovers = () => fs.readdirSync(workRoot).filter((n) => n.startsWith('.ffmpeg-'));

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffmpeg-standby-'));
    workRoot = path.join(root, 'work');
    fs.mkdirSync(workRoot);
    video = await makeTestVideo(path.join(root, 'videos', "it's a clip.mp4"), {
      seconds: 4,
      size: '160x120',
      rate: 10,
    });
  });
  afterEach(() => {
    for (const standby of standbys.splice(0)) standby.close();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('uses a waiting ffmpeg for the next extraction and gets the same frames as one started for it', async () => {
    const standby = newStandby(1);
    const first = await extract(standby, 'first');
    // The next process waits once the first extraction is over.
    await until(() => standby.waitingPids(FRAME_RATE).length === 1, 'an ffmpeg waits');
    const second = await extract(standby, 'second');
    const onTheSpot = await extract(newStandby(0), 'on-the-spot');

    expect([first.ffmpegStartedAhead, second.ffmpegStartedAhead, onTheSpot.ffmpegStartedAhead]).toEqual([
      false,
      true,
      false,
    ]);
    expect(second.info).toMatchObject({ width: 160, height: 120, codec: 'mpeg4' });
    const frames = frameFiles(path.join(workRoot, 'second', 'frames'));
    expect([...frames.keys()]).toEqual(
      Array.from({ length: 8 }, (_, i) => `frame_${String(i + 1).padStart(6, '0')}.jpg`),
    );
    expect(frameFiles(path.join(workRoot, 'on-the-spot', 'frames'))).toEqual(frames);
    expect(frameFiles(path.join(workRoot, 'first', 'frames'))).toEqual(frames);
    expect(leftovers()).toEqual([]);
  });

  it('reads a video whose name no concat list can hold with an ffmpeg of its own, frame for frame the same', async () => {
    const odd = path.join(root, 'videos', 'line\nbreak.mp4');
    fs.copyFileSync(video, odd);
    expect(concatListFor(odd)).toBeUndefined();
    const standby = newStandby(1);
    const direct = await extract(standby, 'odd-name', odd);
    await extract(standby, 'listed');
    expect(direct.ffmpegStartedAhead).toBe(false);
    expect(frameFiles(path.join(workRoot, 'odd-name', 'frames'))).toEqual(
      frameFiles(path.join(workRoot, 'listed', 'frames')),
    );
  });

  it('fails a corrupt video as unreadable and leaves no frame directory behind', async () => {
    const standby = newStandby(1);
    const corrupt = makeCorruptVideo(path.join(root, 'videos', 'corrupt.mp4'));
    const failure = await extract(standby, 'corrupt', corrupt).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('VideoUnreadable');
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect(fs.existsSync(path.join(workRoot, 'corrupt'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('kills a cancelled extraction and removes what it wrote', async () => {
    const standby = newStandby(1);
    await extract(standby, 'warm-up');
    await until(() => standby.waitingPids(FRAME_RATE).length === 1, 'an ffmpeg waits');
    const cancel = new AbortController();
    const reason = new Error('job cancelled');
    cancel.abort(reason);
    await expect(extract(standby, 'cancelled', video, cancel.signal)).rejects.toBe(reason);
    expect(fs.existsSync(path.join(workRoot, 'cancelled', 'frames'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('says ffmpeg could not be started, as a retryable failure, when it is not installed', async () => {
    const standby = newStandby(1, path.join(root, 'no-such-ffmpeg'));
    const failure = await extract(standby, 'no-ffmpeg').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('FrameExtractionFailed');
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as Error).message).toMatch(/ffmpeg could not be started: .*ENOENT/);
    expect(leftovers()).toEqual([]);
  });

  it('stops the waiting processes when closed', async () => {
    const standby = newStandby(2);
    await extract(standby, 'before-close');
    await until(() => standby.waitingPids(FRAME_RATE).length === 2, 'two ffmpeg processes wait');
    const pids = standby.waitingPids(FRAME_RATE);
    expect(pids.every(isRunning)).toBe(true);
    standby.close();
    await until(() => !pids.some(isRunning), 'the waiting ffmpeg processes are gone');
    expect(standby.waitingPids(FRAME_RATE)).toEqual([]);
  });
});
