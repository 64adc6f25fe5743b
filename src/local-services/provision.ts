import { execFile } from 'node:child_process';
import path from 'node:path';
import { LocalServiceError } from './errors';

/** The repository root, from src/local-services or dist/local-services. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs scripts/provision-<what>.sh (idempotent; a cache hit is instant) and returns the
 * path it prints. Its own error message (what to install or set) becomes the error.
 */
export function provision(
  what: 'temporal-cli' | 'test-server' | 'kafka' | 'postgres' | 'ffmpeg',
): Promise<string> {
  const script = path.join(PROJECT_ROOT, 'scripts', `provision-${what}.sh`);
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [script],
      { maxBuffer: 10 * 1024 * 1024, timeout: 30 * 60_000 },
      (err, stdout, stderr) => {
        if (err) {
          const reason = stderr
            .split('\n')
            .filter((l) => l.startsWith('error:'))
            .join('\n');
          reject(
            new LocalServiceError(reason || `provisioning ${what} failed: ${stderr.trim() || err.message}`),
          );
          return;
        }
        resolve(stdout.trim().split('\n').pop() ?? '');
      },
    );
  });
}
