/**
 * Fleet-wide failure counts (README "Alerting"): every worker process reports a PostgreSQL
 * connection failure to one workflow, which counts them over the window for the whole fleet.
 * Counted in Temporal, not in PostgreSQL, because PostgreSQL is what is failing.
 */

/** The counting workflow of the fleet: this prefix and the video task queue the workers poll. */
export const DB_FAILURE_COUNT_WORKFLOW_ID = 'fleet-alarm:db-connection-failures';

/** Signal name of one observed failure. */
export const FAILURE_OBSERVED_SIGNAL = 'failureObserved';

export interface FailureObserved {
  /** Which process saw it (host:pid), so the alarm says how widespread it is. */
  reporter: string;
  /** The error, already free of secrets. */
  detail: string;
}

export interface FleetFailureCountInput {
  /** More than this many failures within the window raise the alarm (VIDEO_DB_FAILURE_ALERT_COUNT). */
  threshold: number;
  /** VIDEO_DB_FAILURE_WINDOW_MINUTES. */
  windowMinutes: number;
  /** Carried over continue-as-new: failures still inside the window, and the last alarm. */
  carried?: { failures: Array<{ atMs: number; reporter: string }>; lastAlarmAtMs?: number };
}

export interface FleetAlarmRequest {
  /** Stable per alarm (workflow id, run and time), so a retried activity sends it once. */
  alarmId: string;
  /** The counting workflow's id: what the alarm is about (the fleet of one video queue). */
  fleetId: string;
  failures: number;
  windowMinutes: number;
  threshold: number;
  reporters: string[];
  lastDetail: string;
  /** ISO-8601, workflow time. */
  time: string;
}

export interface FleetAlarmActivities {
  /** The DB-failure alarm of the fleet: to system.alerts and, at once (critical), to people. */
  raiseFleetDbAlarm(request: FleetAlarmRequest): Promise<void>;
}
