import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalServiceError } from './errors';

/** Where PostgreSQL keeps its files for this run, and why it is not where it was asked to be. */
export interface PostgresDataDir {
  dir: string;
  /** Set when `dir` is a throwaway directory because the `postgres` user cannot reach the asked one. */
  fallbackFrom?: { wanted: string; blockedAt: string };
  /** Deletes `dir` when it is a throwaway one (nothing otherwise). */
  removeIfThrowaway(): void;
}

/**
 * As root the server runs as `postgres`, which must be able to enter every parent of its data
 * directory. A clone under /root or a `mktemp -d` has a 0700 parent, so there we use a fresh
 * directory under the system's temporary directory instead, owned by `postgres`: a new user
 * gets a working database without changing permissions of their own folders.
 */
export function preparePostgresDataDir(wanted: string): PostgresDataDir {
  fs.mkdirSync(wanted, { recursive: true });
  const keep = { dir: wanted, removeIfThrowaway: () => undefined };
  if (process.getuid?.() !== 0) return keep;
  const ids = postgresUserIds();
  const blockedAt = firstUntraversableParent(wanted);
  if (!blockedAt) {
    fs.chownSync(wanted, ...ids);
    return keep;
  }
  const base = [os.tmpdir(), '/tmp', '/var/tmp'].find((d) => !firstUntraversableParent(path.join(d, 'x')));
  if (!base) {
    throw new LocalServiceError(
      `PostgreSQL runs as the 'postgres' user, which cannot enter ${blockedAt}, nor any temporary directory. ` +
        `Allow it (chmod o+x ${blockedAt}) or set LOCAL_SERVICES_DIR to a directory it can reach.`,
    );
  }
  const dir = fs.mkdtempSync(path.join(base, 'mlops-guardian-postgres-'));
  fs.chownSync(dir, ...ids);
  return {
    dir,
    fallbackFrom: { wanted, blockedAt },
    removeIfThrowaway: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The first parent of `dir` that users other than its owner cannot enter, if any. */
function firstUntraversableParent(dir: string): string | undefined {
  for (let parent = path.dirname(path.resolve(dir)); ; parent = path.dirname(parent)) {
    if ((fs.statSync(parent).mode & 0o001) === 0) return parent;
    if (parent === path.dirname(parent)) return undefined;
  }
}

export function postgresUserIds(): [number, number] {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) {
    throw new LocalServiceError(
      "PostgreSQL cannot run as root and there is no 'postgres' user; install Debian's postgresql package or set DATABASE_URL",
    );
  }
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}
