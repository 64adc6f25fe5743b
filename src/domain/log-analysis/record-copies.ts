/**
 * Recognises copies of one log record in several files. The reference logging module hands a
 * record to several handlers: an ERROR goes to the application log, to its module's log and to
 * error/error.log. Counting every file would count that error three times.
 *
 * A text record's key is its timestamp, level, logger and message (PERF metadata included). A
 * key counts as many times as the ONE file holding it most often holds it: a message logged
 * twice in one second is two records, and the copies of both in another file add nothing. That
 * is exact for handler copies, which hold every record of their logger and level once. Files
 * are read one after the other, so only the counts of the file being read are kept, beside the
 * most any file had so far.
 *
 * Text lines are checked, and JSON error lines that name their writer (`pid` and `hostname`,
 * which pino writes): a pino process with an error log beside its log, as ours with
 * LOG_FILE_DIR, writes each error line to both. The writer is part of a JSON line's key, so two
 * processes (two bridge replicas) logging the same message in the same millisecond to their own
 * files both count; our lines also carry a line number (`seq`), which makes each record's key
 * its own, so two records of one millisecond that rotation put in two files are still two. A
 * JSON line without a `pid` cannot be told from another process's line and is never taken for
 * a copy; JSON lines below error are not checked, since an error log holds none of them.
 *
 * Keys are 53-bit hashes (no line text is held); at most KEYS_KEPT per analysis, so memory stays
 * bounded (a few dozen bytes a key, copy-counts.ts); records beyond that are counted without the check.
 */
import { CopyCounts } from './copy-counts';
import type { LogRecord } from './log-line';
import type { RoutineTextLines } from './routine-text-line';

/** The component of a text line that names none (as parseTextLine has it). */
const UNKNOWN_COMPONENT = 'unknown';

export const KEYS_KEPT = 250_000;

export type CopyCheck = 'new' | 'copy' | 'unchecked';

const TWO_32 = 4_294_967_296;

/** Mixes one value into the two hash states `h` = [a, b]. */
function mixInto(h: Int32Array, value: number): void {
  h[0] = Math.imul(h[0] ^ value, 0x01000193);
  const b = Math.imul(h[1] ^ value, 0x5bd1e995);
  h[1] = b ^ (b >>> 15);
}

/** Mixes every UTF-16 unit of `text[from, to)`, then a separator no unit equals ("ab"+"c" ≠ "a"+"bc"). */
function mixTextInto(h: Int32Array, text: string, from = 0, to = text.length): void {
  let a = h[0];
  let b = h[1];
  for (let i = from; i < to; i++) {
    const value = text.charCodeAt(i);
    a = Math.imul(a ^ value, 0x01000193);
    b = Math.imul(b ^ value, 0x5bd1e995);
    b ^= b >>> 15;
  }
  h[0] = a;
  h[1] = b;
  mixInto(h, 0x10000);
}

function startKey(h: Int32Array, timeMs: number, level: string): void {
  h[0] = 0x811c9dc5;
  h[1] = 0x01000193;
  mixInto(h, timeMs % TWO_32);
  mixInto(h, Math.floor(timeMs / TWO_32));
  mixTextInto(h, level);
}

/**
 * Two 32-bit FNV-1a-style hashes over the record's key fields, left in `h`: `h[0]` is the
 * key's low 32 bits, the top 21 bits of `h[1]` its high bits. Filled in place instead of
 * returned as one number, which would be a heap number per line.
 */
function keyOf(record: LogRecord, h: Int32Array): void {
  startKey(h, record.timeMs, record.level);
  mixTextInto(h, record.component);
  mixTextInto(h, record.message);
  // Text lines name no writer, so their keys stay as they were.
  if (record.writer !== undefined) mixTextInto(h, record.writer);
}

/** The key of a routine text line, read from its block: the same key its LogRecord would have. */
function keyOfRoutine(line: RoutineTextLines, text: string, h: Int32Array): void {
  startKey(h, line.timeMs, line.level);
  if (line.componentFrom === line.componentTo) mixTextInto(h, UNKNOWN_COMPONENT);
  else mixTextInto(h, text, line.componentFrom, line.componentTo);
  mixTextInto(h, text, line.messageFrom, line.messageTo);
}

export class RecordCopies {
  /** Per key: the most lines any one file has shown so far, and the lines in the file being read. */
  private readonly counts = new CopyCounts();
  private currentSource: string | undefined;
  private readonly key = new Int32Array(2);

  constructor(private readonly keysKept = KEYS_KEPT) {}

  /**
   * Forgets every record but keeps the table at its size: an analysis thread reuses one
   * RecordCopies chunk after chunk, instead of growing a new table each time while the last
   * chunk's waits for a collection (tens of MB of resident memory per thread).
   */
  clear(): void {
    this.counts.clear();
    this.currentSource = undefined;
  }

  /** Whether `record`, read from `source`, is new, a copy of one counted before, or past the key limit. */
  check(record: LogRecord, source: string): CopyCheck {
    keyOf(record, this.key);
    return this.checkKey(source);
  }

  /** check() for a routine text line in `text` (its block of lines). */
  checkRoutine(line: RoutineTextLines, text: string, source: string): CopyCheck {
    keyOfRoutine(line, text, this.key);
    return this.checkKey(source);
  }

  /** The verdict for the key in `this.key`. */
  private checkKey(source: string): CopyCheck {
    const counts = this.counts;
    if (source !== this.currentSource) {
      counts.nextFile();
      this.currentSource = source;
    }
    const high = this.key[1] >>> 11;
    const low = this.key[0];
    let slot = counts.find(high, low);
    const most = counts.mostAt(slot);
    if (most === 0) {
      if (counts.size >= this.keysKept) return 'unchecked';
      slot = counts.add(slot, high, low, 1);
    }
    const inThisFile = counts.countInFile(slot);
    if (most !== 0 && inThisFile <= most) return 'copy';
    counts.setMost(slot, inThisFile);
    return 'new';
  }
}
