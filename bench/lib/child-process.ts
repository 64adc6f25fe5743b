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

/** Children must not outlive a failed or interrupted run: SIGTERM each, then close the stack. */
export function stopOnInterrupt(children: ChildProcess[], close: () => Promise<void> | undefined): void {
  const abandon = (exitCode: number) => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    void (close() ?? Promise.resolve()).finally(() => process.exit(exitCode));
    setTimeout(() => process.exit(exitCode), 30_000).unref();
  };
  process.once('SIGINT', () => abandon(130));
  process.once('SIGTERM', () => abandon(143));
  return;
}
