/**
 * A log file rotated by size, the way the reference's RotatingFileHandler does it: before a
 * line that would take `app.log` past its limit, `app.log.(keep-1)` … `app.log.1` move up one
 * (the oldest, `app.log.<keep>`, is deleted), `app.log` becomes `app.log.1` and a new `app.log`
 * is begun. Names of rotated files are positions, not counters, so a restarted process goes on
 * rotating the same set and never leaves more than `keep` behind.
 *
 * Writes are synchronous: a line is on disk when the call returns, so a crash loses nothing the
 * process logged, and rotation needs no buffer draining (a line costs one write call). A file that cannot be written (disk full, permissions, the directory removed) never
 * throws into the caller: the problem is reported once, lines go to standard output only, and
 * the file is opened again after RETRY_MS.
 */
import fs from 'node:fs';
import path from 'node:path';

/** How long after a failed write the file is tried again. */
const RETRY_MS = 5_000;

export interface RotatingLogFileOptions {
  /** The file being written, e.g. `logs/mlops-guardian.log`. */
  path: string;
  /** A file is rotated before a line would take it past this size (a line longer than it fills a file alone). */
  maxBytes: number;
  /** Rotated files kept beside the one being written. */
  keep: number;
  /** Told when the file cannot be written, and when it can again; default: standard error. */
  onProblem?: (message: string) => void;
  /** The clock of the retry delay (tests). */
  now?: () => number;
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
}

export class RotatingLogFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly onProblem: (message: string) => void;
  private readonly now: () => number;
  private fd: number | undefined;
  private size = 0;
  /** Lines not written since the file failed; undefined while it works. */
  private linesLost: number | undefined;
  private retryAtMs = 0;

  /** Opens (creating the directory if need be) the file; throws when it cannot, so a bad LOG_FILE_DIR stops start-up. */
  constructor(options: RotatingLogFileOptions) {
    if (!Number.isInteger(options.maxBytes) || options.maxBytes <= 0)
      throw new RangeError(`log file size limit must be a positive number of bytes, got ${options.maxBytes}`);
    if (!Number.isInteger(options.keep) || options.keep <= 0)
      throw new RangeError(`rotated log files to keep must be a positive integer, got ${options.keep}`);
    this.path = path.resolve(options.path);
    this.maxBytes = options.maxBytes;
    this.keep = options.keep;
    this.onProblem = options.onProblem ?? ((message) => process.stderr.write(`${message}\n`));
    this.now = options.now ?? Date.now;
    fs.mkdirSync(path.dirname(this.path), { recursive: true });
    this.open();
  }

  /** The name of the rotated file at `position` (1 = newest). */
  rotatedPath(position: number): string {
    return `${this.path}.${position}`;
  }

  /** Appends one line (pino hands complete lines, each ending in a line break). */
  write(line: string): void {
    if (this.linesLost !== undefined && !this.recover()) {
      this.linesLost++;
      return;
    }
    const bytes = Buffer.from(line, 'utf8');
    try {
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
      for (let at = 0; at < bytes.length;) at += fs.writeSync(this.fd!, bytes, at, bytes.length - at);
      this.size += bytes.length;
    } catch (err) {
      this.fail(err);
    }
  }

  /** Closes the file; later writes are lost (the process is going). */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closing at exit: nothing left to do with a descriptor that will not close.
    }
    this.fd = undefined;
    this.linesLost ??= 0;
    this.retryAtMs = Number.POSITIVE_INFINITY;
  }

  private open(): void {
    this.fd = fs.openSync(this.path, 'a');
    this.size = fs.fstatSync(this.fd).size;
  }

  private rotate(): void {
    fs.closeSync(this.fd!);
    this.fd = undefined;
    fs.rmSync(this.rotatedPath(this.keep), { force: true });
    for (let position = this.keep - 1; position >= 1; position--) {
      const from = this.rotatedPath(position);
      if (fs.existsSync(from)) fs.renameSync(from, this.rotatedPath(position + 1));
    }
    fs.renameSync(this.path, this.rotatedPath(1));
    this.open();
  }

  private fail(err: unknown): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Already unusable: it is reopened on recovery.
      }
      this.fd = undefined;
    }
    this.linesLost = 1;
    this.retryAtMs = this.now() + RETRY_MS;
    this.onProblem(
      `log file ${this.path} cannot be written (${errorText(err)}): its lines go to standard output only; trying again in ${RETRY_MS / 1000} s`,
    );
  }

  /** True once the file is open again after a failure. */
  private recover(): boolean {
    if (this.now() < this.retryAtMs) return false;
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true });
      this.open();
    } catch {
      this.retryAtMs = this.now() + RETRY_MS;
      return false;
    }
    this.onProblem(
      `log file ${this.path} is written again; ${this.linesLost} line(s) are on standard output only`,
    );
    this.linesLost = undefined;
    return true;
  }
}
