/**
 * Streams a chunk's segments into a LogAnalyzer: the reading loop the analysis activity and
 * the in-process `report run` share, so both count exactly the same. Callers hook in for
 * heartbeats, progress and cancellation; a file that cannot be read becomes a problem in the
 * aggregate, never an exception.
 */
import { LogAnalyzer, LogChunk } from '../../domain/log-analysis';
import type { RecordCopies } from '../../domain/log-analysis/record-copies';
import { readSegmentLines } from './line-blocks';
import type { AnalyseChunkInput } from '../../contracts/report-activities';

/** A place in a chunk: the segment and the byte position (decompressed, for .gz) of a line start. */
export interface ChunkPosition {
  segment: number;
  position: number;
}

export interface ReadChunkOptions {
  maxLineBytes: number;
  /** Where to start (a resume point); default: the chunk's beginning. */
  from?: ChunkPosition;
  /** Lines starting at or after this place are not read. */
  until?: ChunkPosition;
  /** Asked before each block: an error to stop reading with (cancellation), or undefined. */
  cancelled?: () => Error | undefined;
  /** After each block of lines, with the place reached and the bytes it held. */
  afterBlock?: (reached: ChunkPosition, bytes: number) => void;
  /** After each segment, with the place the next one starts. */
  afterSegment?: (next: ChunkPosition) => void;
  /** A segment broke off; the problem is already in the aggregate. */
  onReadError?: (path: string, problem: string) => void;
}

/** Why a file could not be read, in words a person can act on. */
export function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'it disappeared before it was read (rotated away?)';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') return `corrupt gzip data (${e.message})`;
  return e.message ?? String(err);
}

/** An analyzer for one chunk of a report window; `copies` carries records seen before a resume. */
export function chunkAnalyzer(
  input: Omit<AnalyseChunkInput, 'chunk'>,
  analysedAtMs: number,
  copies?: RecordCopies,
  resumeFrom?: ConstructorParameters<typeof LogAnalyzer>[1],
): LogAnalyzer {
  return new LogAnalyzer(
    {
      windowStartMs: input.windowStartMs,
      windowEndMs: input.windowEndMs,
      analysedAtMs,
      textTimeZone: input.textTimeZone,
      ...(copies ? { copies } : {}),
    },
    resumeFrom,
  );
}

/**
 * Feeds a block of lines to the analyzer with their byte offsets (for samples), up to the
 * lines starting at `limit`; returns false when it stopped there.
 */
function analyseBlock(
  analyzer: LogAnalyzer,
  text: string,
  blockStart: number,
  source: string,
  limit: number,
): boolean {
  // Offsets are worked out only when needed: for the few sampled lines, or near the limit.
  let byteAt = limit === Number.POSITIVE_INFINITY ? -1 : blockStart;
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    if (byteAt >= 0) {
      if (byteAt >= limit) return false;
      byteAt += Buffer.byteLength(text.slice(from, nl)) + 1;
    }
    const lineFrom = from;
    analyzer.addLineOf(text, from, nl, source, () => blockStart + Buffer.byteLength(text.slice(0, lineFrom)));
    from = nl + 1;
  }
  return true;
}

/** Reads the chunk from `options.from` (default: its start) to `options.until` (default: its end). */
export async function readChunk(
  analyzer: LogAnalyzer,
  chunk: LogChunk,
  options: ReadChunkOptions,
): Promise<void> {
  const { from, until } = options;
  const segments = chunk.segments;
  const last = until ? Math.min(until.segment, segments.length - 1) : segments.length - 1;
  for (let s = from?.segment ?? 0; s <= last; s++) {
    const segment = segments[s];
    const limit = until && s === until.segment ? until.position : Number.POSITIVE_INFINITY;
    let position = from && s === from.segment ? from.position : segment.compressed ? 0 : segment.start;
    let stop: Error | undefined;
    try {
      for await (const event of readSegmentLines(segment, position, options.maxLineBytes)) {
        stop = options.cancelled?.();
        if (stop) throw stop;
        if (event.start >= limit) break;
        if (event.kind === 'long-line') {
          analyzer.addOversizedLine(options.maxLineBytes, segment.path, event.start);
          continue;
        }
        const whole = analyseBlock(analyzer, event.text, event.start, segment.path, limit);
        analyzer.addBytes(event.end - event.start);
        position = event.end;
        options.afterBlock?.({ segment: s, position }, event.end - event.start);
        if (!whole) break;
      }
    } catch (err) {
      if (stop) throw stop;
      const problem = describeReadError(err);
      analyzer.addProblem(segment.path, problem);
      options.onReadError?.(segment.path, problem);
    }
    options.afterSegment?.({ segment: s + 1, position: 0 });
  }
}
