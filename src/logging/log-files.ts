/**
 * Where a process writes its own logs when LOG_FILE_DIR is set: every record in
 * `<name>.log`, and errors (level error and fatal) once more in `<name>-errors.log`, as the
 * reference keeps a separate error log. Both rotate by size (rotating-log-file.ts). The daily
 * report reads the directory and counts an error found in both files once (record-copies.ts).
 *
 * One directory per process kind: two processes writing and rotating the same file would
 * rename each other's files away, so `npm start` and a separate bridge use different names, and
 * replicas of one kind need a directory each.
 */
import path from 'node:path';
import { RotatingLogFile } from './rotating-log-file';

export interface LogFileSettings {
  dir: string;
  /** The process kind, the base of the file names (`mlops-guardian`, `mlops-guardian-bridge`). */
  name: string;
  maxBytes: number;
  /** Rotated files kept beside each file being written. */
  keep: number;
  /** Told when a file cannot be written; default: standard error. */
  onProblem?: (message: string) => void;
}

export interface LogFiles {
  /** Every record the logger writes. */
  all: RotatingLogFile;
  /** Records at level error and above, again. */
  errors: RotatingLogFile;
  close(): void;
}

export function logFilePaths(dir: string, name: string): { all: string; errors: string } {
  return { all: path.join(dir, `${name}.log`), errors: path.join(dir, `${name}-errors.log`) };
}

/** LOG_FILE_DIR names a place the process cannot write its log files: a person must fix it. */
export class LogFileError extends Error {
  constructor(dir: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException;
    super(
      `LOG_FILE_DIR=${JSON.stringify(dir)} cannot hold the log files (${e.code ?? 'error'}: ${e.message ?? String(cause)}): expected a directory this process can create and write`,
    );
    this.name = 'LogFileError';
  }
}

/** Opens both files; throws LogFileError when the directory cannot be written. */
export function openLogFiles(settings: LogFileSettings): LogFiles {
  const paths = logFilePaths(settings.dir, settings.name);
  const common = {
    maxBytes: settings.maxBytes,
    keep: settings.keep,
    ...(settings.onProblem ? { onProblem: settings.onProblem } : {}),
  };
  let all: RotatingLogFile;
  let errors: RotatingLogFile;
  try {
    all = new RotatingLogFile({ path: paths.all, ...common });
    errors = new RotatingLogFile({ path: paths.errors, ...common });
  } catch (err) {
    throw new LogFileError(settings.dir, err);
  }
  return {
    all,
    errors,
    close() {
      all.close();
      errors.close();
    },
  };
}

/** The file settings of a process from its configuration, or undefined when LOG_FILE_DIR is unset. */
export function logFileSettingsOf(
  runtime: { logFileDir?: string | undefined; logFileMaxMb: number; logFileCount: number },
  name: string,
): LogFileSettings | undefined {
  if (runtime.logFileDir === undefined) return undefined;
  return {
    dir: runtime.logFileDir,
    name,
    maxBytes: runtime.logFileMaxMb * 1024 * 1024,
    keep: runtime.logFileCount,
  };
}
