/**
 * Recognises copies of one log record in several files. The reference logging module hands a
 * record to several handlers: an ERROR goes to the application log, to its module's log and to
 * error/error.log. Counting every file would count that error three times.
 *
 * A text record's key is its timestamp, level, logger and message (PERF metadata included).
 * The first file a key is seen in owns it: further lines with the key in THAT file are new
 * records (a message logged twice in one second), the same key in any OTHER file is a copy.
 * That is exact for handler copies, which hold every record of their logger and level once.
 *
 * Only text lines are checked. Our pino JSON lines go to one destination per process, so they
 * have no copies, and two processes (two bridge replicas) can log the same message in the same
 * millisecond to their own files: both must count.
 *
 * Keys are 53-bit hashes (no line text is held); at most KEYS_KEPT per analysis, so memory
 * stays bounded (about 50 bytes a key); records beyond that are counted without the check.
 */
import type { LogRecord } from './log-line';

export const KEYS_KEPT = 500_000;

export type CopyCheck = 'new' | 'copy' | 'unchecked';

const TWO_32 = 4_294_967_296;

/** Two 32-bit FNV-1a-style hashes over the record's key fields, joined into 53 bits. */
function keyOf(record: LogRecord): number {
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
  return (b >>> 11) * TWO_32 + (a >>> 0);
}

export class RecordCopies {
  /** Key → id of the file that owns it. */
  private readonly owners = new Map<number, number>();
  private readonly sourceIds = new Map<string, number>();

  constructor(private readonly keysKept = KEYS_KEPT) {}

  /** Whether `record`, read from `source`, is new, a copy from another file, or past the key limit. */
  check(record: LogRecord, source: string): CopyCheck {
    let sourceId = this.sourceIds.get(source);
    if (sourceId === undefined) {
      sourceId = this.sourceIds.size;
      this.sourceIds.set(source, sourceId);
    }
    const key = keyOf(record);
    const owner = this.owners.get(key);
    if (owner !== undefined) return owner === sourceId ? 'new' : 'copy';
    if (this.owners.size >= this.keysKept) return 'unchecked';
    this.owners.set(key, sourceId);
    return 'new';
  }
}
