import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { reapOnExit, releaseReaped } from './service-reaper';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Set once the process has exited. */
  exitDescription(): string | undefined;
  /** The stop signal to its whole process group, then SIGKILL after graceMs; resolves when it is gone. */
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
  /** The signal that stops it cleanly (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** Run as this user (PostgreSQL refuses root). */
  user?: { uid: number; gid: number };
}

/** True while any process of the group led by `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Stops the whole group, not just its leader: a wrapper script's children (Kafka's java) or a
 * server's workers (PostgreSQL's backends) would otherwise outlive it.
 */
async function stopGroup(pgid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  signalGroup(pgid, signal);
  if (!(await waitForGroupExit(pgid, graceMs))) signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, 5_000);
}

/** The process group of `pid`, from /proc (field 5 of stat, after the parenthesised name). */
function processGroupOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** Stops the process recorded in pidFile, and its group, left by an earlier run that did not clean up. */
export async function stopStaleProcess(
  pidFile: string,
  commandHint: string,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Only stop it if it is still the program we started (PIDs get reused).
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(commandHint)) return;
  // We start every service as the leader of its own group; anything else gets only itself stopped.
  if (processGroupOf(pid) === pid) {
    await stopGroup(pid, signal, 10_000);
    return;
  }
  process.kill(pid, signal);
}

/** Starts a long-running child process owned by this one, in its own process group, stoppable by its PID. */
export function startManagedProcess(options: StartOptions): ManagedProcess {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
    // Its own process group: Ctrl-C in a terminal reaches only us, and we stop services in order.
    detached: true,
    ...options.user,
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
  const pid = child.pid;
  const stopSignal = options.stopSignal ?? 'SIGTERM';
  fs.writeFileSync(options.pidFile, String(pid));
  reapOnExit(pid, stopSignal, options.name);
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    // The log's last lines travel in the message: a test stack's data directory is removed on exit.
    exit = `exited with ${signal ?? `code ${code}`}; see ${options.logFile}${lastLinesOf(options.logFile)}`;
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
      await stopGroup(pid, stopSignal, graceMs);
      releaseReaped(pid);
      fs.rmSync(options.pidFile, { force: true });
    },
  };
}

/** The last few lines of a service's log, indented for an error message ('' when unreadable). */
function lastLinesOf(logFile: string, lines = 5): string {
  try {
    // Only the end of the file is read: a broker's log can be large.
    const fd = fs.openSync(logFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.min(size, 8192));
      fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      const text = buffer.toString('utf8').trimEnd();
      if (text === '') return '';
      const tail = text.split('\n').slice(-lines);
      return `; it ends:${tail.map((line) => `\n    ${line.slice(0, 500)}`).join('')}`;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
