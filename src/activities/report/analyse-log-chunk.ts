import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { LogAggregate } from '../../domain/log-analysis';
import { RecordCopies } from '../../domain/log-analysis/record-copies';
import type { ActivityDeps } from '../deps';
import { chunkAnalyzer, readChunk } from './read-chunk';
import type { AnalyseChunkInput, ChunkProgress } from '../../contracts/report-activities';

/** How often progress (with the aggregate so far) is heartbeated, by default. */
const PROGRESS_EVERY_MS = 5_000;

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
    const cancelled = () =>
      ctx.cancellationSignal.aborted ? new CancelledFailure('report chunk analysis cancelled') : undefined;
    const analysedAtMs = Date.now();
    let lastBeat = Date.now();
    const throttled = (beat: () => void) => {
      if (Date.now() - lastBeat < progressEveryMs) return;
      beat();
      lastBeat = Date.now();
    };

    const copies = new RecordCopies();
    if (resume && input.chunk.segments.length > 1 && resume.segment < input.chunk.segments.length) {
      // Which records were seen before the resume point is too much to heartbeat: read those
      // lines again, into a throwaway aggregate, so copies after the point are still known.
      log.info({ segment: resume.segment, position: resume.position }, 'rereading chunk up to the heartbeat');
      await readChunk(chunkAnalyzer(input, analysedAtMs, copies), input.chunk, {
        maxLineBytes,
        until: resume,
        cancelled,
        afterBlock: () => throttled(() => ctx.heartbeat(resume)),
      });
    }
    const analyzer = chunkAnalyzer(input, analysedAtMs, copies, resume?.aggregate);
    if (resume)
      log.info({ segment: resume.segment, position: resume.position }, 'resuming chunk from heartbeat');

    const beat = (at: { segment: number; position: number }) => {
      const progress: ChunkProgress = {
        chunkIndex: input.chunk.index,
        ...at,
        aggregate: analyzer.snapshot(),
      };
      ctx.heartbeat(progress);
      lastBeat = Date.now();
    };
    await readChunk(analyzer, input.chunk, {
      maxLineBytes,
      ...(resume ? { from: resume } : {}),
      cancelled,
      afterBlock: (at) => throttled(() => beat(at)),
      afterSegment: beat,
      onReadError: (file, problem) =>
        log.warn({ file, err: problem }, 'log file could not be read completely'),
    });
    return analyzer.snapshot();
  };
}
