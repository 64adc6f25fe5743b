import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { LogAggregate } from '../../domain/log-analysis';
import type { ActivityDeps } from '../deps';
import { analyseChunk, ChunkAnalysisHooks, ChunkAnalysisJob } from './analyse-chunk';
import { AnalysisThreads } from './analysis-threads';
import type { AnalyseChunkInput, ChunkProgress } from '../../contracts/report-activities';

/** How often progress (with the aggregate so far) is heartbeated, by default. */
const PROGRESS_EVERY_MS = 5_000;

/**
 * Streams a chunk's segments into one aggregate, on an analysis thread (REPORT_ANALYSIS_THREADS;
 * 0: on the activity's own thread). Progress goes out in heartbeats (segment, byte position,
 * aggregate so far); a retry after a worker restart starts from the last one instead of from the
 * beginning. A file that cannot be read becomes a problem in the report.
 */
export function createAnalyseLogChunk(
  deps: Pick<ActivityDeps, 'config' | 'logger'>,
  options: { progressEveryMs?: number } = {},
) {
  const progressEveryMs = options.progressEveryMs ?? PROGRESS_EVERY_MS;
  const threadCount = deps.config.report.analysisThreads;
  const threads = threadCount > 0 ? new AnalysisThreads(threadCount) : undefined;
  return async function analyseLogChunk(input: AnalyseChunkInput): Promise<LogAggregate> {
    const ctx = Context.current();
    const log = deps.logger.child({ activity: 'analyseLogChunk', chunk: input.chunk.index });
    const saved = ctx.info.heartbeatDetails as ChunkProgress | undefined;
    const resume = saved && saved.chunkIndex === input.chunk.index ? saved : undefined;
    const job: ChunkAnalysisJob = {
      input,
      analysedAtMs: Date.now(),
      maxLineBytes: deps.config.report.maxLineKb * 1024,
      progressEveryMs,
      ...(resume ? { resume } : {}),
    };
    let latest = resume;
    const hooks: ChunkAnalysisHooks = {
      progress: (details) => {
        latest = details;
        ctx.heartbeat(details);
      },
      cancelled: () =>
        ctx.cancellationSignal.aborted ? new CancelledFailure('report chunk analysis cancelled') : undefined,
      readError: (file, problem) => log.warn({ file, err: problem }, 'log file could not be read completely'),
      note: (message, fields) => log.info(fields, message),
    };
    if (!threads) return analyseChunk(job, hooks);
    // Waiting for a thread must not look like a dead worker: the last progress again, meanwhile.
    return threads.run(job, hooks, ctx.cancellationSignal, () => ctx.heartbeat(latest));
  };
}
