import type { ActivityOptions } from '@temporalio/workflow';
import { REPORT_OUTPUT_FAILURE } from '../../contracts/report-activities';

/** Listing directories is quick; a few retries cover a briefly unavailable mount. */
export const PLAN_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
};

/**
 * A chunk is ~128 MiB of text: seconds normally, minutes on a busy machine. It heartbeats every
 * few seconds, so a dead worker is noticed within the heartbeat timeout and the retry resumes
 * from the last heartbeat instead of re-reading the chunk.
 */
export const ANALYSE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 10,
  },
};

/** Writing and publishing: retried with backoff, bounded; a permission problem fails at once. */
export const OUTPUT_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [REPORT_OUTPUT_FAILURE],
  },
};
