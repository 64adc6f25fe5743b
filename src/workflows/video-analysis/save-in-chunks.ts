/**
 * Step 4: detections go to PostgreSQL in bounded transactions (one per chunk: a local activity
 * first, then an activity for the retries; runs recorded before that, an activity only), each
 * retried by the configured database retry policy. Every insert is idempotent, so a retried,
 * resumed or re-run save never duplicates a row.
 */
import { ActivityFailure, ApplicationFailure, isCancellation, sleep } from '@temporalio/workflow';
import { errorMessage } from '../../domain/error-message';
import {
  DATABASE_ERROR,
  type PersonDetection,
  type SaveChunkRequest,
  type SaveChunkResult,
  type VideoJobRef,
  type VideoJobSettings,
} from '../../contracts/video-activities';
import type { VideoActivityProxies } from './activities';

/** Workflow failure type: PostgreSQL stayed unreachable (or refused) through every attempt. */
export const VIDEO_SAVE_FAILED = 'VideoSaveFailed';

export interface SaveTotals {
  inserted: number;
  alreadySaved: number;
}

/** The last error the database gave, from the activity failure that wraps it. */
export function lastDatabaseError(err: unknown): string {
  if (err instanceof ActivityFailure) return err.cause?.message ?? err.message;
  return errorMessage(err);
}

/** Where chunks are saved: activities, or a local activity first with activities for the retries. */
export type ChunkSaving =
  | { kind: 'activity'; database: VideoActivityProxies['database'] }
  | (Pick<VideoActivityProxies, 'localSave' | 'databaseRetries'> & { kind: 'local first' });

/** A database failure that another attempt could mend (PostgreSQL unreachable, a timeout). */
function mayRetry(err: unknown): boolean {
  // A local activity's failure arrives as its cause itself, an activity's wrapped.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return !(cause instanceof ApplicationFailure && (cause.nonRetryable || cause.type === DATABASE_ERROR));
}

async function saveChunk(
  saving: ChunkSaving,
  settings: VideoJobSettings,
  request: SaveChunkRequest,
  summary: string,
): Promise<SaveChunkResult> {
  if (saving.kind === 'activity')
    return saving.database.saveDetections.executeWithOptions({ summary }, [request]);
  try {
    return await saving.localSave.saveDetections(request);
  } catch (err) {
    if (isCancellation(err) || !mayRetry(err) || settings.dbRetry.maximumAttempts <= 1) throw err;
  }
  // The first attempt failed (PostgreSQL away, most likely): the others run as an activity, on the
  // configured schedule, so a person sees the attempts and the last error while they go on.
  await sleep(settings.dbRetry.initialIntervalSeconds * 1000);
  return saving.databaseRetries.saveDetections.executeWithOptions({ summary }, [request]);
}

export async function saveInChunks(
  saving: ChunkSaving,
  job: VideoJobRef,
  detections: PersonDetection[],
  settings: VideoJobSettings,
  onProgress: (rowsSaved: number) => void,
): Promise<SaveTotals> {
  const totals: SaveTotals = { inserted: 0, alreadySaved: 0 };
  const chunk = settings.saveChunkRows;
  for (let start = 0; start < detections.length; start += chunk) {
    const part = detections.slice(start, start + chunk);
    try {
      const saved = await saveChunk(
        saving,
        settings,
        { job, detections: part },
        `save detections ${start + 1}-${start + part.length} of ${detections.length}`,
      );
      totals.inserted += saved.inserted;
      totals.alreadySaved += saved.alreadySaved;
      onProgress(totals.inserted + totals.alreadySaved);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const saved = totals.inserted + totals.alreadySaved;
      throw ApplicationFailure.nonRetryable(
        `Saving detections to PostgreSQL failed after ${settings.dbRetry.maximumAttempts} attempt(s) ` +
          `(${saved} of ${detections.length} saved). Nothing is lost: start the job again with reanalyze=true ` +
          `and it detects and saves every detection again, without duplicates. Last database error: ${lastDatabaseError(err)}`,
        VIDEO_SAVE_FAILED,
        { saved, total: detections.length },
      );
    }
  }
  return totals;
}
