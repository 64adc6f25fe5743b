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
 * Only text lines are checked. Our pino JSON lines go to one destination per process, so they
 * have no copies, and two processes (two bridge replicas) can log the same message in the same
 * millisecond to their own files: both must count.
 *
 * Keys are 53-bit hashes (no line text is held); at most KEYS_KEPT per analysis, so memory stays
 * bounded (a few dozen bytes a key, key-counts.ts); records beyond that are counted without the check.
 */
import { KeyCounts } from './key-counts';
import type { LogRecord } from './log-line';

export const KEYS_KEPT = 250_000;

export type CopyCheck = 'new' | 'copy' | 'unchecked';

const TWO_32 = 4_294_967_296;

/**
 * Two 32-bit FNV-1a-style hashes over the record's key fields: `a` is the key's low 32 bits,
 * the top 21 bits of `b` its high bits. Written into `into` instead of returned as one number,
 * which would be a heap number per line.
 */
function keyOf(record: LogRecord, into: Int32Array): void {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const mix = (value: number) => {
    a = Math.imul(a ^ value, 0x01000193);
    b = Math.imul(b ^ value, 0x5bd1e995);
    b ^= b >>> 15;
  };
  const mixText = (text: string) => {
    for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
    mix(0x10000); // a separator no UTF-16 unit equals: "ab"+"c" differs from "a"+"bc"
  };
  mix(record.timeMs % TWO_32);
  mix(Math.floor(record.timeMs / TWO_32));
  mixText(record.level);
  mixText(record.component);
  mixText(record.message);
  into[0] = b >>> 11;
  into[1] = a;
}

export class RecordCopies {
  /** Key → the most lines with that key any one file has shown so far. */
  private readonly most: KeyCounts;
  /** Key → lines with that key in the file being read (a subset of the keys in `most`). */
  private readonly current: KeyCounts;
  private currentSource: string | undefined;
  private readonly key = new Int32Array(2);

  constructor(private readonly keysKept = KEYS_KEPT) {
    this.most = new KeyCounts(keysKept);
    this.current = new KeyCounts(keysKept);
  }

  /** Whether `record`, read from `source`, is new, a copy of one counted before, or past the key limit. */
  check(record: LogRecord, source: string): CopyCheck {
    if (source !== this.currentSource) {
      this.current.clear();
      this.currentSource = source;
    }
    keyOf(record, this.key);
    const high = this.key[0];
    const low = this.key[1];
    const most = this.most.get(high, low);
    if (most === 0 && this.most.size >= this.keysKept) return 'unchecked';
    const inThisFile = this.current.get(high, low) + 1;
    this.current.set(high, low, inThisFile);
    if (most !== 0 && inThisFile <= most) return 'copy';
    this.most.set(high, low, inThisFile);
    return 'new';
  }
}
