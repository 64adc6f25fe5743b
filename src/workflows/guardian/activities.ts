import { proxyActivities } from '@temporalio/workflow';
import {
  EVALUATION_METRIC_MISSING_FAILURE,
  type GuardianActivities,
  NO_STABLE_VERSION_FAILURE,
} from '../../contracts/guardian-activities';

/*
 * Every activity of the guardian with explicit timeouts and a bounded retry policy. Each call
 * adds a one-line summary (executeWithOptions) so the Web UI's event history reads as a log.
 */

/** Audit trail writes: retried for up to an hour so a short database outage loses nothing. */
export const audit = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Training runs for hours and heartbeats (every 5 s) while it does; a failed job is reported, not
 * retried forever. A worker that died is noticed after the heartbeat timeout, and the retry follows
 * the same job: one minute leaves a live worker under load plenty of room (heartbeats go out at
 * most every 48 s) without leaving a job unwatched for long.
 */
export const training = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 3,
  },
});

/** Rollback: quick registry calls; "no stable version" cannot get better by retrying. */
export const deployment = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [NO_STABLE_VERSION_FAILURE],
  },
});

/**
 * Measuring a retrained candidate: reads from MLflow, the training service or an evaluation
 * service, which may take a while on a big holdout set. A backend that is down is retried with
 * backoff for a few minutes, then reported (the champion stays); a missing metric is not retried.
 */
export const evaluation = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [EVALUATION_METRIC_MISSING_FAILURE],
  },
});

/** Scaling: one quick HTTP call (and a ledger lookup); a scale-up minutes late helps nobody. */
export const operations = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
});

/**
 * Alerts should arrive within 30 s: quick retries, at most 10 s apart. They go on for 10 minutes
 * because an alert is only sent after its row in the action ledger (PostgreSQL) is claimed, and 5
 * attempts (15 s) lost every alert of a 30 s database restart; after that the failure is recorded.
 */
export const alerts = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
  },
});

/**
 * MONITOR is one PostgreSQL write (the override row). Retried like alerts, for up to 10 minutes:
 * five quick attempts gave up about 30 s into an outage, as long as a database restart takes.
 * Retry options are not part of the command replay compares, so runs in flight need no patch.
 */
export const monitoring = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Reading a restarted guardian's memory back from the audit trail: retried for up to 10 minutes
 * (a database restart), while its events wait in the queue; then it goes on without that memory.
 */
export const memory = proxyActivities<GuardianActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
