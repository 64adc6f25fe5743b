/**
 * One chunk's analysis from start (or a resume point) to its aggregate, with no Temporal in it:
 * the activity runs it on its own thread or hands it to an analysis thread
 * (analysis-threads.ts), and both must count exactly the same. What the activity does with
 * progress (heartbeats), cancellation and read errors comes in as hooks.
 */
import type { LogAggregate } from '../../domain/log-analysis';
import { RecordCopies } from '../../domain/log-analysis/record-copies';
import { chunkAnalyzer, readChunk } from './read-chunk';
import type { AnalyseChunkInput, ChunkProgress } from '../../contracts/report-activities';

export interface ChunkAnalysisJob {
  input: AnalyseChunkInput;
  /** When the analysis runs; lines stamped later are clock skew. */
  analysedAtMs: number;
  maxLineBytes: number;
  /** Progress goes out at most this often (plus once per segment). */
  progressEveryMs: number;
  /** The last heartbeat of an earlier attempt at this chunk, if any. */
  resume?: ChunkProgress;
}

export interface ChunkAnalysisHooks {
  /** Progress to heartbeat: where to resume and what was counted up to there. */
  progress(details: ChunkProgress): void;
  /** An error to stop with (cancellation), or undefined. */
  cancelled(): Error | undefined;
  /** A file broke off; the problem is already in the aggregate. */
  readError(file: string, problem: string): void;
  /** A step worth a log line. */
  note(message: string, fields: Record<string, unknown>): void;
}

/**
 * Reads the chunk into one aggregate (see the module comment). `copies` may be tables left by an
 * earlier analysis on the same thread: they are cleared first.
 */
export async function analyseChunk(
  job: ChunkAnalysisJob,
  hooks: ChunkAnalysisHooks,
  copies: RecordCopies = new RecordCopies(),
): Promise<LogAggregate> {
  const { input, resume, maxLineBytes } = job;
  let lastBeat = Date.now();
  const throttled = (beat: () => void) => {
    if (Date.now() - lastBeat < job.progressEveryMs) return;
    beat();
    lastBeat = Date.now();
  };

  copies.clear();
  if (resume && input.chunk.segments.length > 1 && resume.segment < input.chunk.segments.length) {
    // Which records were seen before the resume point is too much to heartbeat: read those
    // lines again, into a throwaway aggregate, so copies after the point are still known.
    hooks.note('rereading chunk up to the heartbeat', { segment: resume.segment, position: resume.position });
    await readChunk(chunkAnalyzer(input, job.analysedAtMs, copies), input.chunk, {
      maxLineBytes,
      until: resume,
      cancelled: hooks.cancelled,
      afterBlock: () => throttled(() => hooks.progress(resume)),
    });
  }
  const analyzer = chunkAnalyzer(input, job.analysedAtMs, copies, resume?.aggregate);
  if (resume)
    hooks.note('resuming chunk from heartbeat', { segment: resume.segment, position: resume.position });

  const beat = (at: { segment: number; position: number }) => {
    hooks.progress({ chunkIndex: input.chunk.index, ...at, aggregate: analyzer.snapshot() });
    lastBeat = Date.now();
  };
  await readChunk(analyzer, input.chunk, {
    maxLineBytes,
    ...(resume ? { from: resume } : {}),
    cancelled: hooks.cancelled,
    afterBlock: (at) => throttled(() => beat(at)),
    afterSegment: beat,
    onReadError: hooks.readError,
  });
  return analyzer.snapshot();
}
