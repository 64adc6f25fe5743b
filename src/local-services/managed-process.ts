import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Set once the process has exited. */
  exitDescription(): string | undefined;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  /** Output goes here, not to our stdout: the product's own logs stay JSON. */
  logFile: string;
  /** PID written here so a later run can stop a process a crashed run left behind. */
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Stops the process recorded in pidFile by an earlier run that did not clean up. */
export async function stopStaleProcess(pidFile: string, commandHint: string): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  // Only stop it if it is still the program we started (PIDs get reused).
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(commandHint)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
}

/** Starts a long-running child process owned by this one, stoppable by its PID. */
export function startManagedProcess(options: StartOptions): ManagedProcess {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
    // Its own process group: Ctrl-C in a terminal reaches only us, and we stop services in order.
    detached: true,
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
  const pid = child.pid;
  fs.writeFileSync(options.pidFile, String(pid));
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    exit = `exited with ${signal ?? `code ${code}`}; see ${options.logFile}`;
  });
  child.on('error', (err) => {
    exit = `failed to start: ${err.message}`;
  });
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exitDescription: () => exit,
    async stop(graceMs = 15_000) {
      if (exit === undefined && isAlive(pid)) {
        child.kill('SIGTERM');
        if (!(await waitForExit(pid, graceMs))) child.kill('SIGKILL');
        await waitForExit(pid, 5_000);
      }
      fs.rmSync(options.pidFile, { force: true });
    },
  };
}
