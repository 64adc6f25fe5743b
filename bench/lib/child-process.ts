import { ChildProcess, fork } from 'node:child_process';

export interface BenchChild {
  process: ChildProcess;
  /** Resolves with the child's next IPC message of this type; rejects if it exits first. */
  next(type: string): Promise<Record<string, unknown>>;
}

/**
 * Forks a TypeScript entry with IPC, registered in `children` so an interrupted benchmark can
 * stop it. `onMessage` sees every message (e.g. streamed samples).
 */
export function forkBenchChild(
  entry: string,
  env: NodeJS.ProcessEnv,
  children: ChildProcess[],
  onMessage?: (m: Record<string, unknown>) => void,
): BenchChild {
  const child = fork(entry, [], {
    env,
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const waiters = new Map<string, (m: Record<string, unknown>) => void>();
  child.on('message', (m: Record<string, unknown>) => {
    onMessage?.(m);
    const waiter = waiters.get(m.type as string);
    if (waiter) {
      waiters.delete(m.type as string);
      waiter(m);
    }
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`${entry} exited with ${code}`);
  });
  return {
    process: child,
    next: (type) =>
      new Promise((resolve, reject) => {
        waiters.set(type, resolve);
        child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before sending ${type}`)));
      }),
  };
}

/**
 * SIGTERM to every child still running, SIGKILL to any left after `graceMs`: a child still
 * starting up (or waiting on a service already gone) may not get to its own shutdown.
 */
export async function stopChildren(children: ChildProcess[], graceMs = 10_000): Promise<void> {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/**
 * Children and local services must not outlive a failed or interrupted run: stop the children,
 * then close the stack, then exit with `exitCode`.
 */
export function abandonRun(
  children: ChildProcess[],
  close: () => Promise<void> | undefined,
  exitCode: number,
): void {
  setTimeout(() => process.exit(exitCode), 60_000).unref();
  void stopChildren(children)
    .then(() => close())
    .finally(() => process.exit(exitCode));
}

/** Ctrl-C or SIGTERM abandons the run (see abandonRun). */
export function stopOnInterrupt(children: ChildProcess[], close: () => Promise<void> | undefined): void {
  process.once('SIGINT', () => abandonRun(children, close, 130));
  process.once('SIGTERM', () => abandonRun(children, close, 143));
}
