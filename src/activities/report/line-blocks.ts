/**
 * Streams one log segment as blocks of whole lines, never a whole file in memory: plain files
 * from a byte position, .gz files through zlib. Each block carries the byte positions it
 * spans, which is what lets an interrupted analysis resume at the next unread line.
 *
 * A hand-written splitter instead of readline: it knows byte positions (readline does not),
 * decodes one string per ~16 KiB of lines instead of one per line, and bounds the length of a
 * line (readline would buffer a newline-free file without limit).
 *
 * A byte range [start, end) owns the lines that START inside it: it skips the tail of a line
 * begun before `start` and finishes the line that crosses `end`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { LogSegment } from '../../domain/log-analysis';

const READ_BYTES = 64 * 1024;
// Lines are decoded in strings of about this size. Whatever string is being parsed when V8
// collects the young generation is promoted to the old one and lingers there until a full
// collection: with 1 MiB blocks that added hundreds of MB of resident memory, with 16 KiB a few.
const DECODE_BYTES = 16 * 1024;
const NEWLINE = 10;

export type SegmentEvent =
  /** Complete lines (joined with \n, the last one ends in \n unless it ended the file). */
  | { kind: 'lines'; text: string; start: number; end: number }
  /** A line longer than the limit, skipped up to its line break. */
  | { kind: 'long-line'; start: number };

/**
 * A plain file from `readFrom`, read into one buffer reused for every read: a read stream
 * allocates a new buffer per read, garbage that lingers outside the heap until a collection.
 * Each piece is valid until the next one is asked for.
 */
async function* readPlainFile(file: string, readFrom: number): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
    let position = readFrom;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function openSegment(
  segment: LogSegment,
  readFrom: number,
): AsyncIterable<Buffer> & { destroy?: () => void } {
  if (!segment.compressed) return readPlainFile(segment.path, readFrom);
  const file = createReadStream(segment.path, { highWaterMark: READ_BYTES });
  const gunzip = createGunzip({ chunkSize: READ_BYTES });
  // pipe() does not forward errors: an unreadable file must fail the read, not hang it.
  file.on('error', (err) => gunzip.destroy(err));
  return file.pipe(gunzip) as Readable;
}

/**
 * Yields the segment's lines from `position` (a line start; for .gz a position in the
 * decompressed text). Positions are absolute in the file (or decompressed stream).
 */
export async function* readSegmentLines(
  segment: LogSegment,
  position: number,
  maxLineBytes: number,
): AsyncGenerator<SegmentEvent> {
  const end = segment.compressed ? Number.POSITIVE_INFINITY : segment.end;
  const from = segment.compressed ? position : Math.max(position, segment.start);
  // Starting inside a file at the range start, the byte before says whether a line starts here.
  let skipping = !segment.compressed && from === segment.start && from > 0;
  const readFrom = segment.compressed ? 0 : skipping ? from - 1 : from;
  if (from >= end) return;

  const stream = openSegment(segment, readFrom);
  let streamPos = readFrom; // position of the next byte the stream delivers
  // A line cut by the end of a piece is completed in this one buffer, reused for the whole
  // segment: a new buffer for every piece (Buffer.concat) was garbage that lingered outside
  // the heap until a collection, tens of MB of resident memory per analysis.
  const work = Buffer.allocUnsafeSlow(maxLineBytes + READ_BYTES);
  let carry: Buffer | undefined;
  let carryPos = 0;
  try {
    for await (const piece of stream) {
      const piecePos = streamPos;
      streamPos += piece.length;
      if (streamPos <= from) continue; // .gz: decompressing up to the resume position
      let data = piece;
      if (carry) {
        if (carry.length + piece.length <= work.length) {
          // The carry already sits at the start of `work`.
          piece.copy(work, carry.length);
          data = work.subarray(0, carry.length + piece.length);
        } else {
          data = Buffer.concat([carry, piece]);
        }
      }
      const dataPos = carry ? carryPos : piecePos;
      carry = undefined;
      // While skipping a line begun before the range, the byte before the range counts too.
      let i = Math.max(0, (skipping ? readFrom : from) - dataPos);
      if (skipping) {
        const nl = data.indexOf(NEWLINE, i);
        if (nl < 0) continue;
        i = nl + 1;
        skipping = false;
      }
      if (dataPos + i >= end) return;
      const lastNl = data.lastIndexOf(NEWLINE);
      let blockEnd = i;
      let finished = false;
      if (lastNl >= i) {
        blockEnd = lastNl + 1;
        const lastOwned = end - 1 - dataPos; // index of the range's last byte in data
        if (lastOwned <= lastNl) {
          blockEnd = data.indexOf(NEWLINE, Math.max(i, lastOwned)) + 1;
          finished = true;
        }
        for (let at = i; at < blockEnd;) {
          let to = blockEnd;
          if (blockEnd - at > DECODE_BYTES) to = data.indexOf(NEWLINE, at + DECODE_BYTES - 1) + 1;
          yield {
            kind: 'lines',
            text: data.toString('utf8', at, to),
            start: dataPos + at,
            end: dataPos + to,
          };
          at = to;
        }
        if (finished) return;
      }
      if (blockEnd < data.length) {
        if (data.length - blockEnd > maxLineBytes) {
          yield { kind: 'long-line', start: dataPos + blockEnd };
          skipping = true;
        } else {
          // Copied to the start of `work` (a move when `data` is `work` itself): `data` may
          // also be a slice of a pooled read buffer that the stream reuses.
          const length = data.length - blockEnd;
          if (data.buffer === work.buffer && data.byteOffset === work.byteOffset)
            work.copyWithin(0, blockEnd, data.length);
          else data.copy(work, 0, blockEnd);
          carry = work.subarray(0, length);
          carryPos = dataPos + blockEnd;
        }
      }
    }
    if (carry && carry.length > 0 && carryPos < end) {
      yield { kind: 'lines', text: carry.toString('utf8'), start: carryPos, end: carryPos + carry.length };
    }
  } finally {
    // A plain file is closed by leaving the loop; a gzip stream is destroyed here.
    stream.destroy?.();
  }
}
