import {
  DATABASE_ERROR,
  DETECTOR_NOT_CONFIGURED,
  DETECTOR_REJECTED,
  INVALID_VIDEO_REFERENCE,
  VIDEO_NOT_FOUND,
  VIDEO_UNREADABLE,
  type VideoJobSettings,
} from '../../contracts/video-activities';
import type { VideoAnalysisInput, VideoRerun } from '../../contracts/workflows';

/**
 * Marks runs that may run a failed job again (VIDEO_RERUN_ATTEMPTS). Runs recorded before it
 * ended with their failure; on replay they still do.
 */
export const RERUN_PATCH = 'video-rerun-failed-job';

/**
 * Failures that are the video's or the request's own: a missing, unreadable or refused video, a
 * detector that is not configured, a statement PostgreSQL refuses. Running again gives the same
 * answer, so they never re-run (and a bad upload cannot loop).
 */
const FINAL_FAILURES: ReadonlySet<string> = new Set([
  VIDEO_NOT_FOUND,
  VIDEO_UNREADABLE,
  INVALID_VIDEO_REFERENCE,
  DETECTOR_NOT_CONFIGURED,
  DETECTOR_REJECTED,
  DATABASE_ERROR,
]);

export interface RerunPlan {
  /** The input's `rerun` for the next run. */
  next: VideoRerun;
  /** How many re-runs the settings allow in all. */
  allowed: number;
  delaySeconds: number;
}

/** Whether a run that failed with `failureType` runs again, and how; undefined when it does not. */
export function planRerun(
  input: VideoAnalysisInput,
  settings: VideoJobSettings,
  failure: { type: string; message: string },
  runId: string,
): RerunPlan | undefined {
  const allowed = settings.rerunAttempts ?? 0;
  const done = input.rerun?.attempt ?? 0;
  if (done >= allowed || FINAL_FAILURES.has(failure.type)) return undefined;
  return {
    next: { attempt: done + 1, previousRunId: runId, reason: failure.message },
    allowed,
    delaySeconds: settings.rerunDelaySeconds ?? 60,
  };
}
