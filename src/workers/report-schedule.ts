/**
 * The Temporal Schedule that runs the daily log report, created or updated idempotently when
 * the worker starts.
 *
 * - Spec: a calendar entry at REPORT_SCHEDULE_TIME every day, in TIME_ZONE (the server does
 *   the DST maths). The run derives its report date from the time it was scheduled for.
 * - Overlap BUFFER_ONE: if yesterday's report is still running when today's is due, today's
 *   waits and runs right after it; two runs never overlap, and a slow day does not lose the next.
 * - Catch-up window 1 day: after a Temporal outage the missed run is taken once when the server
 *   is back, as long as it is less than a day late; older gaps are for `report backfill`.
 * An operator's pause (and its note) survives worker restarts: updates keep the schedule state.
 */
import { Client, ScheduleAlreadyRunning, ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { DAILY_REPORT_SCHEDULE_ID, DAILY_REPORT_WORKFLOW_TYPE } from '../contracts/workflows';
import type { DailyReportInput } from '../contracts/workflows';

export const REPORT_OVERLAP_POLICY = ScheduleOverlapPolicy.BUFFER_ONE;
export const REPORT_CATCHUP_WINDOW = '1 day';

export interface ReportScheduleSettings {
  scheduleId: string;
  taskQueue: string;
  /** HH:MM, local. */
  scheduleTime: string;
  timeZone: string;
}

/** The schedule settings of a configuration. */
export function reportScheduleSettings(config: Config): ReportScheduleSettings {
  return {
    scheduleId: DAILY_REPORT_SCHEDULE_ID,
    taskQueue: config.temporal.taskQueue,
    scheduleTime: config.report.scheduleTime,
    timeZone: config.runtime.timeZone,
  };
}

/** The schedule as it should be. */
export function desiredReportSchedule(settings: ReportScheduleSettings) {
  const [hour, minute] = settings.scheduleTime.split(':').map(Number);
  const input: DailyReportInput = { timeZone: settings.timeZone };
  return {
    scheduleId: settings.scheduleId,
    spec: {
      calendars: [
        { hour, minute, comment: `daily log report at ${settings.scheduleTime} ${settings.timeZone}` },
      ],
      timezone: settings.timeZone,
    },
    action: {
      type: 'startWorkflow' as const,
      workflowType: DAILY_REPORT_WORKFLOW_TYPE,
      // Temporal appends the scheduled time to this id; the run then starts the report for
      // the date as a child with the date's own id.
      workflowId: `${settings.scheduleId}:scheduled`,
      taskQueue: settings.taskQueue,
      args: [input],
    },
    policies: {
      overlap: REPORT_OVERLAP_POLICY,
      catchupWindow: REPORT_CATCHUP_WINDOW,
      pauseOnFailure: false,
    },
  } satisfies ScheduleOptions;
}

/** Creates the schedule, or brings an existing one up to date (keeping paused/note). */
export async function ensureReportSchedule(
  client: Client,
  settings: ReportScheduleSettings,
): Promise<'created' | 'updated'> {
  const desired = desiredReportSchedule(settings);
  try {
    await client.schedule.create(desired);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(settings.scheduleId).update((previous) => ({
    spec: desired.spec,
    action: desired.action,
    policies: desired.policies,
    state: {
      paused: previous.state.paused,
      note: previous.state.note,
      remainingActions: previous.state.remainingActions,
    },
  }));
  return 'updated';
}

/**
 * At worker start: ensures the schedule unless REPORT_SCHEDULE_ENABLED=false. A failure is
 * logged, not thrown — the worker still serves everything else and on-demand reports.
 */
export async function installReportSchedule(client: Client, config: Config, logger: Logger): Promise<void> {
  if (!config.report.scheduleEnabled) {
    logger.info('daily report schedule disabled (REPORT_SCHEDULE_ENABLED=false)');
    return;
  }
  const settings = reportScheduleSettings(config);
  try {
    const outcome = await ensureReportSchedule(client, settings);
    logger.info(
      { schedule_id: settings.scheduleId, at: settings.scheduleTime, time_zone: settings.timeZone },
      `daily report schedule ${outcome}`,
    );
  } catch (err) {
    logger.error(
      { err, schedule_id: settings.scheduleId },
      'could not create or update the daily report schedule',
    );
  }
}
