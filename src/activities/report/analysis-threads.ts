/**
 * A small pool of worker threads for the chunk analysis. Activities share one JavaScript
 * thread, so two analyses "in parallel" took turns on one core; on threads they use as many
 * cores as the pool has threads. Threads start when needed and end after a while idle, so a
 * worker holds their memory only around a report. An analysis that finds every thread busy
 * waits for one (the workflow runs REPORT_PARALLEL_CHUNKS at a time, so that is brief).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogAggregate } from '../../domain/log-analysis';
import type { ChunkAnalysisHooks, ChunkAnalysisJob } from './analyse-chunk';
import type { ThreadReply, ThreadRequest } from './analysis-thread-messages';

/** An idle thread ends after this long: a report comes once a day, its memory need not stay. */
const IDLE_MS = 30_000;
/** How often a wait for a thread is reported (well within an activity's heartbeat timeout). */
const WAITING_TICK_MS = 5_000;

/**
 * A thread's young generation, in MiB. The analysis makes a string per block of lines and drops
 * it at once: a small young generation collects that often and cheaply, where V8's default let
 * each thread hold tens of MB of dead strings (measured: about 50 MB less resident memory for
 * two threads, the same CPU).
 */
const YOUNG_GENERATION_MB = 6;

/** The thread's entry, beside this file: compiled JavaScript in production, TypeScript from source. */
function startThread(): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `analysis-thread${extension}`);
  // From source (tests, ts-node) the thread compiles its modules the same way.
  const execArgv = extension === '.ts' ? ['--require', 'ts-node/register/transpile-only'] : [];
  return new Worker(entry, { execArgv, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
}

interface PooledThread {
  worker: Worker;
  idleTimer?: NodeJS.Timeout;
}

export class AnalysisThreads {
  private readonly idle: PooledThread[] = [];
  private alive = 0;
  private readonly waiting: ((thread: PooledThread) => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly idleMs = IDLE_MS,
  ) {}

  /**
   * Runs the analysis on a thread; `cancelled` is asked when `signal` aborts. While every thread
   * is busy, `waiting` is called every few seconds (the activity heartbeats, so the wait does
   * not look like a dead worker).
   */
  async run(
    job: ChunkAnalysisJob,
    hooks: ChunkAnalysisHooks,
    signal: AbortSignal,
    waiting: () => void = () => undefined,
  ): Promise<LogAggregate> {
    const thread = await this.acquire(signal, hooks, waiting);
    let healthy = true;
    try {
      return await new Promise<LogAggregate>((resolve, reject) => {
        const cancelFlag = new SharedArrayBuffer(4);
        const flag = new Int32Array(cancelFlag);
        const cancel = () => Atomics.store(flag, 0, 1);
        if (signal.aborted) cancel();
        signal.addEventListener('abort', cancel);
        const { worker } = thread;
        const settle = () => {
          signal.removeEventListener('abort', cancel);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const onMessage = (reply: ThreadReply) => {
          if (reply.kind === 'progress') hooks.progress(reply.details);
          else if (reply.kind === 'read-error') hooks.readError(reply.file, reply.problem);
          else if (reply.kind === 'note') hooks.note(reply.message, reply.fields);
          else if (reply.kind === 'done') {
            settle();
            resolve(reply.aggregate);
          } else {
            settle();
            reject(
              (reply.cancelled && hooks.cancelled()) ||
                new Error(`log chunk analysis failed on its thread: ${reply.message}`),
            );
          }
        };
        const onError = (err: Error) => {
          healthy = false;
          settle();
          reject(new Error(`log chunk analysis thread failed: ${err.message}`));
        };
        const onExit = (code: number) => {
          healthy = false;
          settle();
          reject(new Error(`log chunk analysis thread exited (code ${code}) before it finished`));
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        const request: ThreadRequest = { job, cancelFlag };
        worker.postMessage(request);
      });
    } finally {
      if (healthy) this.release(thread);
      else this.forget(thread);
    }
  }

  /** Ends every thread now (worker shutdown, tests). */
  async close(): Promise<void> {
    const threads = this.idle.splice(0);
    await Promise.all(threads.map((t) => this.end(t)));
  }

  private async acquire(
    signal: AbortSignal,
    hooks: ChunkAnalysisHooks,
    waiting: () => void,
  ): Promise<PooledThread> {
    const idle = this.idle.pop();
    if (idle) {
      clearTimeout(idle.idleTimer);
      idle.worker.ref();
      return idle;
    }
    if (this.alive < this.size) {
      this.alive++;
      return { worker: startThread() };
    }
    return new Promise<PooledThread>((resolve, reject) => {
      const ticker = setInterval(waiting, WAITING_TICK_MS);
      const take = (thread: PooledThread) => {
        clearInterval(ticker);
        signal.removeEventListener('abort', giveUp);
        resolve(thread);
      };
      const giveUp = () => {
        clearInterval(ticker);
        const at = this.waiting.indexOf(take);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(hooks.cancelled() ?? new Error('log chunk analysis cancelled while waiting for a thread'));
      };
      signal.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(take);
    });
  }

  private release(thread: PooledThread): void {
    const next = this.waiting.shift();
    if (next) return next(thread);
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => {
      const at = this.idle.indexOf(thread);
      if (at >= 0) this.idle.splice(at, 1);
      void this.end(thread);
    }, this.idleMs);
    thread.idleTimer.unref();
    this.idle.push(thread);
  }

  /** A thread that failed is not reused; one waiting analysis gets a fresh one. */
  private forget(thread: PooledThread): void {
    void thread.worker.terminate();
    this.alive--;
    const next = this.waiting.shift();
    if (next) {
      this.alive++;
      next({ worker: startThread() });
    }
  }

  private async end(thread: PooledThread): Promise<void> {
    clearTimeout(thread.idleTimer);
    this.alive--;
    await thread.worker.terminate();
  }
}
