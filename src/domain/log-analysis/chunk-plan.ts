/**
 * Splits a day's log files into chunks of similar work, each analysed by its own activity.
 * Plain files split at byte ranges (a range owns the lines that START inside it, so ranges
 * never share or lose a line); a .gz file cannot be entered in the middle and stays whole,
 * weighed at GZIP_WEIGHT × its size since it expands when read.
 */

export const GZIP_WEIGHT = 6;

export interface LogSegment {
  path: string;
  compressed: boolean;
  /** Byte range [start, end) of the file; a whole file for .gz. */
  start: number;
  end: number;
}

export interface LogChunk {
  index: number;
  segments: LogSegment[];
  /** Estimated work in plain-text bytes. */
  weight: number;
}

export interface ChunkPlanOptions {
  /** Target weight of a chunk. */
  chunkBytes: number;
  /** Upper bound on the number of chunks (bigger chunks when the day is huge). */
  maxChunks: number;
}

/** Chunks for the files in the given order (see the module comment). */
export function planChunks(
  files: { path: string; bytes: number; compressed: boolean }[],
  options: ChunkPlanOptions,
): LogChunk[] {
  const weightOf = (f: { bytes: number; compressed: boolean }) =>
    f.compressed ? f.bytes * GZIP_WEIGHT : f.bytes;
  const total = files.reduce((sum, f) => sum + weightOf(f), 0);
  const cap = Math.max(1, options.chunkBytes, Math.ceil(total / Math.max(1, options.maxChunks)));
  const chunks: LogChunk[] = [];
  let current: LogChunk = { index: 0, segments: [], weight: 0 };
  const close = () => {
    if (current.segments.length > 0) chunks.push(current);
    current = { index: chunks.length, segments: [], weight: 0 };
  };
  for (const file of files) {
    if (file.bytes <= 0) continue;
    if (file.compressed) {
      if (current.weight > 0 && current.weight + weightOf(file) > cap) close();
      current.segments.push({ path: file.path, compressed: true, start: 0, end: file.bytes });
      current.weight += weightOf(file);
      continue;
    }
    let start = 0;
    while (start < file.bytes) {
      if (current.weight >= cap) close();
      const end = Math.min(file.bytes, start + (cap - current.weight));
      current.segments.push({ path: file.path, compressed: false, start, end });
      current.weight += end - start;
      start = end;
    }
  }
  close();
  return chunks;
}
