import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../../test/helpers/stack';

/**
 * A data directory a drill's own service (broker, dev server, PostgreSQL) lives in for one run,
 * under the system's temporary folder; `remove` deletes it once the service has stopped, so
 * repeated runs leave nothing behind.
 */
export function throwawayDataDir(prefix: string): { dir: string; remove(): void } {
  const dir = path.join(os.tmpdir(), uniqueName(prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
