import type { Logger } from '../logger';

/**
 * The one way a process of ours ends, whatever ends it: SIGINT, SIGTERM, SIGHUP, an uncaught
 * error, a part that failed, or main finishing. Steps registered with onExit (local services,
 * worker, bridge, child processes) run newest first, once; then the process exits. A second
 * request while those run (Ctrl-C twice) exits at once: the service reaper
 * (src/local-services/service-reaper.ts) stops whatever local service is still running.
 */

/** Exit statuses of an interrupted process, as a shell reports them (128 + signal number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
const DEFAULT_GRACE_MS = 60_000;

interface Step {
  name: string;
  /** Resolves `false` when the stop was not clean (work abandoned): the exit status is then 1 at least. */
  run: () => Promise<void | boolean>;
}

const steps: Step[] = [];
let startUp: Promise<unknown> | undefined;
let leavingWith: number | undefined;
let log: Logger | undefined;
let graceMs = DEFAULT_GRACE_MS;

/** Registers a step to run when the process ends; returns a function that unregisters it. */
export function onExit(name: string, run: () => Promise<void | boolean>): () => void {
  const step = { name, run };
  steps.push(step);
  return () => {
    const i = steps.indexOf(step);
    if (i >= 0) steps.splice(i, 1);
  };
}

/**
 * Start-up runs under this: a stop asked for while services are still starting waits for it to
 * settle, so a service that was half-started is stopped too.
 */
export function whileStartingUp<T>(work: Promise<T>): Promise<T> {
  startUp = work;
  return work;
}

/** Ends the process: runs the steps once, newest first, then exits with `code`. */
export function exitProcess(code: number, why: string): void {
  if (leavingWith !== undefined) {
    log?.warn({ why }, 'asked again while shutting down: exiting now; the service reaper stops what is left');
    process.exit(code || leavingWith || 1);
  }
  leavingWith = code;
  log?.info({ why }, 'shutting down');
  // Every wait has a bound: a step that hangs must not keep the process (the reaper still cleans up).
  setTimeout(() => {
    log?.error(
      { graceMs },
      'shutdown did not finish in time: exiting; the service reaper stops what is left',
    );
    process.exit(code || 1);
  }, graceMs).unref();
  void (async () => {
    await startUp?.catch(() => undefined);
    let exitCode = code;
    for (const step of steps.splice(0).reverse()) {
      const clean = await step.run().catch((err: Error) => {
        log?.error({ step: step.name, err }, 'stop failed');
        return false;
      });
      if (clean === false && exitCode === 0) exitCode = 1;
    }
    log?.info({ code: exitCode }, 'stopped');
    process.exit(exitCode);
  })();
}

/**
 * Takes the process's signals and uncaught errors. Once, first thing in an entry point.
 * `cleanStopOnSignal`: a service under a supervisor (the bridge process) exits 0 when a signal
 * stopped it cleanly, as its supervisor expects; `npm start` reports the interruption instead.
 */
export function installExitPath(
  logger: Logger,
  options: { graceMs?: number; cleanStopOnSignal?: boolean } = {},
): void {
  log = logger;
  graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => exitProcess(options.cleanStopOnSignal ? 0 : code, signal));
  }
  const crash = (err: unknown) => {
    logger.fatal({ err }, 'uncaught error');
    exitProcess(1, 'uncaught error');
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // After SIGHUP the terminal is gone and writing a log line fails (EIO, EPIPE); that must not
  // count as a crash in the middle of stopping.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

/**
 * Runs an entry point that finishes (a benchmark, a one-off command) under the exit path:
 * success, failure and interruption all leave through the same steps.
 */
export function runToCompletion(logger: Logger, main: () => Promise<void>): void {
  installExitPath(logger);
  main().then(
    () => exitProcess(0, 'finished'),
    (err: unknown) => {
      logger.fatal({ err }, 'failed');
      exitProcess(1, 'failed');
    },
  );
}

/**
 * For a child process of ours: end when the parent has gone (however it went), instead of
 * running on with nobody to stop it. Polls the parent PID: it changes when the parent dies.
 */
export function endWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1000).unref();
}
