/**
 * Step 4: detections go to PostgreSQL in bounded transactions (one activity per chunk), each
 * retried by the configured database retry policy. Every insert is idempotent, so a retried,
 * resumed or re-run save never duplicates a row.
 */
import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { errorMessage } from '../../domain/error-message';
import type { PersonDetection, VideoJobRef, VideoJobSettings } from '../../contracts/video-activities';
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

export async function saveInChunks(
  database: Pick<VideoActivityProxies['database'], 'saveDetections'>,
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
      const saved = await database.saveDetections.executeWithOptions(
        { summary: `save detections ${start + 1}-${start + part.length} of ${detections.length}` },
        [{ job, detections: part }],
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
