/**
 * The entry point of an analysis thread (analysis-threads.ts): runs one chunk analysis at a
 * time for the activity that sent it, and tells it about progress, read errors and the result.
 * Cancellation arrives as a flag in shared memory, so it is seen between two blocks of lines
 * even while this thread is busy.
 */
import { parentPort } from 'node:worker_threads';
import { RecordCopies } from '../../domain/log-analysis/record-copies';
import { analyseChunk, ChunkAnalysisJob } from './analyse-chunk';
import type { ThreadReply, ThreadRequest } from './analysis-thread-messages';

const CANCELLED = 'report chunk analysis cancelled';
/** One set of copy-recognition tables for every analysis this thread runs (one at a time). */
const copies = new RecordCopies();

async function run(port: NonNullable<typeof parentPort>, request: ThreadRequest): Promise<void> {
  const cancelFlag = new Int32Array(request.cancelFlag);
  const send = (reply: ThreadReply) => port.postMessage(reply);
  const job: ChunkAnalysisJob = request.job;
  try {
    const aggregate = await analyseChunk(
      job,
      {
        progress: (details) => send({ kind: 'progress', details }),
        cancelled: () => (Atomics.load(cancelFlag, 0) !== 0 ? new Error(CANCELLED) : undefined),
        readError: (file, problem) => send({ kind: 'read-error', file, problem }),
        note: (message, fields) => send({ kind: 'note', message, fields }),
      },
      copies,
    );
    send({ kind: 'done', aggregate });
  } catch (err) {
    const cancelled = Atomics.load(cancelFlag, 0) !== 0;
    send({
      kind: 'failed',
      cancelled,
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (request: ThreadRequest) => void run(port, request));
}
