import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { onExit } from '../../src/workers/exit-path';

export interface BenchChild {
  process: ChildProcess;
  /** Resolves with the child's next IPC message of this type; rejects if it exits first. */
  next(type: string): Promise<Record<string, unknown>>;
}

/**
 * Forks a TypeScript entry with IPC. However the benchmark ends (finished, failed, Ctrl-C), the
 * shared exit path stops the child before the local services. `onMessage` sees every message.
 */
export function forkBenchChild(
  entry: string,
  env: NodeJS.ProcessEnv,
  onMessage?: (m: Record<string, unknown>) => void,
): BenchChild {
  const child = fork(entry, [], {
    env,
    // BENCH_CHILD_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles each child:
    // Node refuses --cpu-prof in NODE_OPTIONS.
    execArgv: [
      '-r',
      'ts-node/register/transpile-only',
      ...(env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const forget = onExit(path.basename(entry), () => stopChildren([child]));
  child.once('exit', forget);
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
