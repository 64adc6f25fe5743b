import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../logger';
import type { SecretScrubber } from '../../redaction/secret-scrubber';
import { trainingCommandEnv } from './training-command-env';
import type { FollowOptions, TrainingBackend, TrainingJobOutcome, TrainingJobSpec } from './training-backend';

export interface LocalCommandRunnerOptions {
  /** The operator's command line, run by `sh -c`; job values reach it only through the environment. */
  command: string;
  logger: Logger;
  /**
   * Scrubs the command's output and errors before they are logged or become a job's detail,
   * which reaches workflow history, audit rows, Kafka and Slack.
   */
  scrubber: SecretScrubber;
  /** Names of further variables of `parentEnv` the command may see (TRAINING_COMMAND_ENV). */
  passEnv?: readonly string[];
  /** Where allow-listed variables are taken from; the worker's own environment by default. */
  parentEnv?: NodeJS.ProcessEnv;
  /** After SIGTERM, how long the job gets before SIGKILL. */
  killGraceMs?: number;
  /** How long a finished job's outcome is kept for an attempt that re-attaches late. */
  keepFinishedMs?: number;
}

/** A line `NEW_MODEL_VERSION=<version>` on stdout names the version the run produced. */
const NEW_VERSION_LINE = /^NEW_MODEL_VERSION=(\S+)\s*$/;
const TAIL_LINES = 20;
const MAX_LOGGED_LINE = 4_000;
const OUTPUT_FLUSH_MS = 2_000;

interface LocalJob {
  child: ChildProcess;
  done: Promise<TrainingJobOutcome>;
  listeners: Set<() => void>;
  readonly exited: boolean;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Runs the configured training command once per job, streams every output line to the log, and
 * reports exit code 0 as success. Each job runs in its own process group so cancelling it stops
 * whatever the command started too.
 */
export function createLocalCommandRunner(options: LocalCommandRunnerOptions): TrainingBackend {
  const jobs = new Map<string, LocalJob>();
  const killGraceMs = options.killGraceMs ?? 10_000;
  const keepFinishedMs = options.keepFinishedMs ?? 60 * 60_000;

  function start(jobId: string, spec: TrainingJobSpec): LocalJob {
    const log = options.logger.child({ job_id: jobId, model_name: spec.modelName });
    const child = spawn('sh', ['-c', options.command], {
      env: trainingCommandEnv(options.parentEnv ?? process.env, options.passEnv ?? [], {
        MODEL_NAME: spec.modelName,
        MODEL_VERSION: spec.modelVersion ?? '',
        TRAINING_REASON: spec.reason,
        TRAINING_PRIORITY: spec.priority,
        TRAINING_EVENT_ID: spec.triggeringEventId,
        TRAINING_JOB_ID: jobId,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const listeners = new Set<() => void>();
    const tail: string[] = [];
    let newVersion: string | undefined;

    const onLine = (stream: 'stdout' | 'stderr') => (rawLine: string) => {
      // Scrubbed whole before it is cut, so a cut never leaves half a secret unrecognised; the
      // version is read from the scrubbed line too, as it ends up in workflow history.
      const line = options.scrubber.scrub(rawLine);
      const shown = line.length > MAX_LOGGED_LINE ? `${line.slice(0, MAX_LOGGED_LINE)}…` : line;
      log.info({ stream }, shown);
      tail.push(shown);
      if (tail.length > TAIL_LINES) tail.shift();
      const version = stream === 'stdout' ? NEW_VERSION_LINE.exec(line) : null;
      if (version) newVersion = version[1];
      for (const listener of listeners) listener();
    };
    const streamsClosed = [child.stdout!, child.stderr!].map((stream, i) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', onLine(i === 0 ? 'stdout' : 'stderr'));
      return new Promise<void>((resolve) => lines.once('close', resolve));
    });

    const state = { exited: false };
    const done = new Promise<TrainingJobOutcome>((resolve) => {
      child.once('error', (err) => {
        state.exited = true;
        resolve({
          status: 'failed',
          detail: options.scrubber.scrub(`could not start the training command: ${err.message}`),
        });
      });
      child.once('exit', (code, signal) => {
        state.exited = true;
        // Output may still be buffered after exit; a background process that keeps the pipes
        // open must not hold the result back, hence the bound.
        const flushed = Promise.race([Promise.all(streamsClosed), delay(OUTPUT_FLUSH_MS)]);
        void flushed.then(() => {
          const lastLines = tail.length > 0 ? `; last output:\n${tail.join('\n')}` : '';
          if (code === 0) {
            resolve({ status: 'succeeded', detail: 'training command exited with code 0', newVersion });
          } else {
            resolve({
              status: 'failed',
              detail: `training command ${describeExit(code, signal)}${lastLines}`,
              newVersion,
            });
          }
          log.info({ code, signal }, 'training command finished');
        });
      });
    });
    const job: LocalJob = {
      child,
      done,
      listeners,
      get exited() {
        return state.exited;
      },
    };
    // Forget the job some time after it ended; a late re-attaching attempt finds it in the database.
    void job.done.then(() => setTimeout(() => jobs.delete(jobId), keepFinishedMs).unref());
    log.info({ pid: child.pid }, 'training command started');
    return job;
  }

  function signalGroup(job: LocalJob, signal: NodeJS.Signals): void {
    if (job.exited || job.child.pid === undefined) return;
    try {
      // Negative pid: the whole process group this job's shell leads (and nothing else).
      process.kill(-job.child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  return {
    kind: 'local',
    jobsOutliveWorker: false,

    async submit(spec: TrainingJobSpec): Promise<string> {
      const jobId = `local-${randomUUID()}`;
      jobs.set(jobId, start(jobId, spec));
      return jobId;
    },

    async follow(
      jobId: string,
      { signal, onProgress }: FollowOptions,
    ): Promise<TrainingJobOutcome | undefined> {
      const job = jobs.get(jobId);
      if (!job) return undefined;
      const listener = () => onProgress();
      job.listeners.add(listener);
      let onAbort: (() => void) | undefined;
      try {
        return await Promise.race([
          job.done,
          new Promise<never>((_, reject) => {
            onAbort = () => reject(signal.reason);
            if (signal.aborted) onAbort();
            else signal.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
      } finally {
        job.listeners.delete(listener);
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    },

    async stop(jobId: string): Promise<void> {
      const job = jobs.get(jobId);
      if (!job || job.exited) return;
      signalGroup(job, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(job, 'SIGKILL'), killGraceMs);
      await job.done;
      clearTimeout(killer);
    },
  };
}
