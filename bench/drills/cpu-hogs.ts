import { spawn } from 'node:child_process';
import { onExit } from '../../src/workers/exit-path';

/**
 * K busy processes (`yes > /dev/null`) beside a drill: production machines are busy, and a
 * timing that only holds on an idle one is a bug waiting to happen. Stopped by PID when the
 * drill ends, however it ends.
 */
export function startCpuHogs(count: number): () => void {
  const hogs = Array.from({ length: count }, () => spawn('yes', [], { stdio: 'ignore' }));
  const stop = () => {
    for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
  };
  const forget = onExit('cpu hogs', async () => stop());
  return () => {
    forget();
    stop();
  };
}
