import { endWithParent } from '../../src/workers/exit-path';
import { peakRssMiB } from './results';

/**
 * The child side of a benchmark process (see forkBenchChild): it ends with its parent however
 * the benchmark ends, says `ready` (with `ready`'s fields) once started, and on `stop` runs `stop`, then reports what
 * `stop` returned and its peak RSS before exiting.
 */
export function serveBenchParent(
  stop: () => Promise<Record<string, unknown> | void>,
  ready: Record<string, unknown> = {},
): void {
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    void stop().then((figures) =>
      process.send!({ type: 'stopped', ...figures, peakRssMiB: peakRssMiB() }, () => process.exit(0)),
    );
  });
  process.send!({ type: 'ready', ...ready });
}

export { endWithParent };
