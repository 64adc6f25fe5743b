import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './provision';

/** Seconds the reaper waits after a service's stop signal before SIGKILL. */
const REAPER_GRACE_SECONDS = 15;

/**
 * The process that outlives us long enough to stop our local services when we end without
 * stopping them ourselves — a second Ctrl-C, SIGHUP, a crash, even SIGKILL (see
 * scripts/service-reaper.sh). One per process, started with the first service.
 */
let reaper: ChildProcess | undefined;

function send(line: string): void {
  if (!reaper) {
    reaper = spawn(
      'bash',
      [path.join(PROJECT_ROOT, 'scripts', 'service-reaper.sh'), String(REAPER_GRACE_SECONDS)],
      {
        // A session of its own: the terminal's Ctrl-C and SIGHUP reach us, not it.
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    // Neither the reaper nor the pipe to it keeps this process alive; our exit is its cue.
    reaper.unref();
    (reaper.stdin as unknown as { unref(): void }).unref();
    reaper.stdin!.on('error', () => undefined);
  }
  reaper.stdin!.write(`${line}\n`);
}

/** Stops this process group with `signal` (then SIGKILL) if we end without stopping it. */
export function reapOnExit(pgid: number, signal: NodeJS.Signals, name: string): void {
  send(`watch ${pgid} ${signal.replace(/^SIG/, '')} ${name}`);
}

/** The group was stopped by us: forget it, its number may be reused. */
export function releaseReaped(pgid: number): void {
  send(`release ${pgid}`);
}

/** Deletes `dir` once our services are gone, if we end without doing it ourselves. */
export function removeOnExit(dir: string): void {
  send(`remove ${dir}`);
}
