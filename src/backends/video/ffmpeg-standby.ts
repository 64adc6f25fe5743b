/**
 * ffmpeg processes started before the extraction that uses them. On a busy host, starting ffmpeg
 * (loading its ~200 shared libraries) costs more than decoding a short clip; a process started
 * ahead waits, already loaded, for the name of its video on stdin (a one-entry concat list) and
 * writes the frames into a directory of its own, which the caller renames into the job's.
 *
 * Every extraction runs this same command, waiting or started on the spot, so a job's frames are
 * the same whichever host extracts them (retries and other hosts extract them again).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { FRAME_PATTERN } from './work-dir';

/** An ffmpeg process that reads its input's name from stdin once it is given. */
export interface StartedFfmpeg {
  child: ChildProcessWithoutNullStreams;
  /** Where it writes the frames: created by the caller before the input is given. */
  outDir: string;
  /** True when it was started ahead of this extraction (for logs and tests). */
  wasWaiting: boolean;
}

/**
 * The frames at `frameRate` as JPEGs; the input comes as a concat list on stdin (`-safe 0`: the
 * list names an absolute path; only the file and pipe protocols). `-an -sn -dn`: only the picture
 * is needed. `info` prints the stream's size; `-progress` reports frames on stdout (heartbeats).
 */
function extractionArgs(frameRate: number, outDir: string): string[] {
  return frameExtractionArgs(
    ['-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file,pipe', '-i', 'pipe:0'],
    frameRate,
    outDir,
  );
}

/**
 * ffmpeg's arguments around an input: quiet but for the stream info, only the picture, JPEG frames
 * at `frameRate` into `outDir`, progress on stdout. Both ways of extracting share them, so a
 * started-ahead ffmpeg and a direct one give the same frames.
 */
export function frameExtractionArgs(input: string[], frameRate: number, outDir: string): string[] {
  return [
    ...['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info', '-y', '-an', '-sn', '-dn'],
    ...input,
    ...['-vf', `fps=${frameRate}`, '-q:v', '3', '-progress', 'pipe:1'],
    path.join(outDir, FRAME_PATTERN),
  ];
}

/**
 * The concat list that names one video, or undefined when its path cannot be written in one:
 * a line break or other control character would end the entry (and could add another).
 */
export function concatListFor(video: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (!path.isAbsolute(video) || /[\u0000-\u001f\u007f]/.test(video)) return undefined;
  // Quoted, so spaces and backslashes are literal; a quote closes, is escaped, and reopens.
  // `file:` keeps a name with a colon from being read as a protocol.
  return `ffconcat version 1.0\nfile 'file:${video.replace(/'/g, "'\\''")}'\n`;
}

/** Neither the waiting process nor its pipes keep the worker process alive. */
function setKeepsProcessAlive(child: ChildProcessWithoutNullStreams, keep: boolean): void {
  // The pipes are sockets (typed as plain streams): they have ref/unref.
  const pipes = [child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>;
  for (const handle of [child, ...pipes]) {
    if (keep) handle.ref();
    else handle.unref();
  }
}

function hasExited(child: ChildProcessWithoutNullStreams): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.killed;
}

export interface FfmpegStandbyOptions {
  ffmpegPath: string;
  /** Where the frame directories are made: inside VIDEO_WORK_DIR, so a rename moves them. */
  workRoot: string;
  /** Processes kept waiting per frame rate (VIDEO_FFMPEG_STANDBY); 0 starts one per extraction. */
  waiting: number;
}

/** The waiting ffmpeg processes of one worker process, per frame rate. */
export class FfmpegStandby {
  private readonly waitingByRate = new Map<number, StartedFfmpeg[]>();
  private started = 0;
  private closed = false;

  constructor(private readonly options: FfmpegStandbyOptions) {}

  get ffmpegPath(): string {
    return this.options.ffmpegPath;
  }

  /**
   * An ffmpeg for one extraction: a waiting one when there is one, else one started now. Once it
   * has finished, another is started to wait for the next extraction (not before: on a busy host
   * it would take CPU from this one).
   */
  take(frameRate: number): StartedFfmpeg {
    const waiting = this.waitingByRate.get(frameRate) ?? [];
    let taken: StartedFfmpeg | undefined;
    while (!taken && waiting.length > 0) {
      const next = waiting.shift()!;
      if (hasExited(next.child)) continue; // It died while waiting (killed, or its start failed).
      taken = { ...next, wasWaiting: true };
    }
    taken ??= this.start(frameRate);
    setKeepsProcessAlive(taken.child, true);
    taken.child.once('close', () => this.refill(frameRate));
    return taken;
  }

  /** The process ids of the ffmpeg processes waiting for an extraction at this frame rate. */
  waitingPids(frameRate: number): number[] {
    const waiting = this.waitingByRate.get(frameRate) ?? [];
    return waiting.filter((w) => !hasExited(w.child) && w.child.pid !== undefined).map((w) => w.child.pid!);
  }

  /** Stops the waiting processes (worker shutdown). Running extractions finish on their own. */
  close(): void {
    this.closed = true;
    for (const waiting of this.waitingByRate.values()) {
      for (const { child } of waiting.splice(0)) child.kill('SIGKILL');
    }
  }

  private refill(frameRate: number): void {
    if (this.closed) return;
    const waiting = this.waitingByRate.get(frameRate) ?? [];
    this.waitingByRate.set(frameRate, waiting);
    while (waiting.filter((w) => !hasExited(w.child)).length < this.options.waiting) {
      const next = this.start(frameRate);
      setKeepsProcessAlive(next.child, false);
      waiting.push(next);
    }
  }

  private start(frameRate: number): StartedFfmpeg {
    this.started += 1;
    const outDir = path.resolve(this.options.workRoot, `.ffmpeg-${process.pid}-${this.started}`);
    const child = spawn(this.options.ffmpegPath, extractionArgs(frameRate, outDir), {
      stdio: ['pipe', 'pipe', 'pipe'],
      killSignal: 'SIGKILL',
    });
    // A process that cannot start (no ffmpeg) fails its extraction with the reason; while it
    // waits, an error must not go unhandled. A closed stdin (it died) surfaces as its exit code.
    child.on('error', () => undefined);
    child.stdin.on('error', () => undefined);
    return { child, outDir, wasWaiting: false };
  }
}

const standbys = new Map<string, FfmpegStandby>();

/** The process-wide standby for these settings: every activity of the process shares it. */
export function ffmpegStandbyFor(options: FfmpegStandbyOptions): FfmpegStandby {
  const key = JSON.stringify([options.ffmpegPath, path.resolve(options.workRoot), options.waiting]);
  let standby = standbys.get(key);
  if (!standby) {
    standby = new FfmpegStandby(options);
    standbys.set(key, standby);
  }
  return standby;
}

/** Stops every waiting ffmpeg of this process (the worker's shutdown). */
export function stopFfmpegStandbys(): void {
  for (const standby of standbys.values()) standby.close();
  standbys.clear();
}
