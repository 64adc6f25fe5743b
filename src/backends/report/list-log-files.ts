/**
 * Finds the log files of the report directories: `*.log`, `*.jsonl`, rotated copies
 * (`app.log.1`, `app.log.2024-03-10`) and any of those gzip-compressed (`.gz`), in
 * sub-directories too (up to MAX_DEPTH). A directory that cannot be read is a problem to
 * report, never an exception.
 */
import { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LogFileInfo, SourceProblem } from '../../domain/log-analysis';

const MAX_DEPTH = 3;
// Linear regex (no nested quantifiers): the log suffix, an optional rotation suffix.
const LOG_NAME = /\.(log|jsonl)(\.\d[\w.-]*)?$/;

/** True for names the report reads (see the module comment). */
export function isLogFileName(name: string): boolean {
  const base = name.endsWith('.gz') ? name.slice(0, -3) : name;
  return LOG_NAME.test(base);
}

export interface LogFileListing {
  files: LogFileInfo[];
  /** Files last modified before `modifiedSinceMs`. */
  skippedOlder: number;
  problems: SourceProblem[];
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'it is not a directory';
    default:
      return e.message ?? String(err);
  }
}

/**
 * Lists log files under `dirs`. Files last modified before `modifiedSinceMs` are skipped:
 * a file untouched since before the window began cannot hold a line of it (rotated archives of
 * past weeks are not re-read every day).
 */
export async function listLogFiles(dirs: string[], modifiedSinceMs: number): Promise<LogFileListing> {
  const listing: LogFileListing = { files: [], skippedOlder: 0, problems: [] };
  const seen = new Set<string>();
  async function walk(dir: string, depth: number): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      listing.problems.push({ source: dir, problem: describeFsError(err) });
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(full, depth + 1);
        continue;
      }
      if (!(entry.isFile() || entry.isSymbolicLink()) || !isLogFileName(entry.name)) continue;
      try {
        const info = await stat(full);
        if (!info.isFile()) continue;
        const key = `${info.dev}:${info.ino}`;
        if (seen.has(key)) continue; // the same file through two listed directories or a link
        seen.add(key);
        if (info.mtimeMs < modifiedSinceMs) {
          listing.skippedOlder++;
          continue;
        }
        listing.files.push({ path: full, bytes: info.size, compressed: entry.name.endsWith('.gz') });
      } catch (err) {
        listing.problems.push({ source: full, problem: describeFsError(err) });
      }
    }
  }
  for (const dir of dirs) await walk(path.resolve(dir), 0);
  listing.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return listing;
}
