import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { LogAggregate, LogAnalyzer } from '../../domain/log-analysis';
import type { ActivityDeps } from '../deps';
import { readSegmentLines } from './line-blocks';
import type { AnalyseChunkInput, ChunkProgress } from './types';

/** How often progress (with the aggregate so far) is heartbeated, by default. */
const PROGRESS_EVERY_MS = 5_000;

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'it disappeared before it was read (rotated away?)';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') return `corrupt gzip data (${e.message})`;
  return e.message ?? String(err);
}

/** Splits a block of lines and feeds them to the analyzer with their byte offsets (for samples). */
function analyseBlock(analyzer: LogAnalyzer, text: string, blockStart: number, source: string): void {
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const lineFrom = from;
    analyzer.addLine(
      text.slice(from, nl),
      source,
      () => blockStart + Buffer.byteLength(text.slice(0, lineFrom)),
    );
    from = nl + 1;
  }
}

/**
 * Streams a chunk's segments into one aggregate. Progress goes out in heartbeats (segment,
 * byte position, aggregate so far); a retry after a worker restart starts from the last one
 * instead of from the beginning. A file that cannot be read becomes a problem in the report.
 */
export function createAnalyseLogChunk(
  deps: Pick<ActivityDeps, 'config' | 'logger'>,
  options: { progressEveryMs?: number } = {},
) {
  const progressEveryMs = options.progressEveryMs ?? PROGRESS_EVERY_MS;
  return async function analyseLogChunk(input: AnalyseChunkInput): Promise<LogAggregate> {
    const ctx = Context.current();
    const log = deps.logger.child({ activity: 'analyseLogChunk', chunk: input.chunk.index });
    const maxLineBytes = deps.config.report.maxLineKb * 1024;
    const saved = ctx.info.heartbeatDetails as ChunkProgress | undefined;
    const resume = saved && saved.chunkIndex === input.chunk.index ? saved : undefined;
    const analyzer = new LogAnalyzer(
      {
        windowStartMs: input.windowStartMs,
        windowEndMs: input.windowEndMs,
        analysedAtMs: Date.now(),
        textTimeZone: input.textTimeZone,
      },
      resume?.aggregate,
    );
    if (resume)
      log.info({ segment: resume.segment, position: resume.position }, 'resuming chunk from heartbeat');

    let lastBeat = Date.now();
    const beat = (segment: number, position: number) => {
      const progress: ChunkProgress = {
        chunkIndex: input.chunk.index,
        segment,
        position,
        aggregate: analyzer.snapshot(),
      };
      ctx.heartbeat(progress);
      lastBeat = Date.now();
    };

    const segments = input.chunk.segments;
    for (let s = resume?.segment ?? 0; s < segments.length; s++) {
      const segment = segments[s];
      let position =
        resume && s === resume.segment ? resume.position : segment.compressed ? 0 : segment.start;
      try {
        for await (const event of readSegmentLines(segment, position, maxLineBytes)) {
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure('report chunk analysis cancelled');
          if (event.kind === 'long-line') {
            analyzer.addOversizedLine(maxLineBytes, segment.path, event.start);
            continue;
          }
          analyseBlock(analyzer, event.text, event.start, segment.path);
          analyzer.addBytes(event.end - event.start);
          position = event.end;
          if (Date.now() - lastBeat >= progressEveryMs) beat(s, position);
        }
      } catch (err) {
        if (err instanceof CancelledFailure) throw err;
        analyzer.addProblem(segment.path, describeReadError(err));
        log.warn(
          { file: segment.path, err: describeReadError(err) },
          'log file could not be read completely',
        );
      }
      beat(s + 1, 0);
    }
    return analyzer.snapshot();
  };
}
