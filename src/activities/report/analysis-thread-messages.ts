/** What an activity and its analysis thread (analysis-thread.ts) say to each other. */
import type { LogAggregate } from '../../domain/log-analysis';
import type { ChunkProgress } from '../../contracts/report-activities';
import type { ChunkAnalysisJob } from './analyse-chunk';

export interface ThreadRequest {
  job: ChunkAnalysisJob;
  /** One Int32 that the activity sets to 1 to cancel the analysis. */
  cancelFlag: SharedArrayBuffer;
}

export type ThreadReply =
  | { kind: 'progress'; details: ChunkProgress }
  | { kind: 'read-error'; file: string; problem: string }
  | { kind: 'note'; message: string; fields: Record<string, unknown> }
  | { kind: 'done'; aggregate: LogAggregate }
  /** The analysis stopped: cancelled, or an error (its stack, to log). */
  | { kind: 'failed'; cancelled: boolean; message: string };
