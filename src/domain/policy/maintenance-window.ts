import { addCalendarDays, fromLocalDateTime, toLocalDateTime } from './time-zone';

/** A daily window (wall-clock `HH:MM`, in the configured zone) for deferred MEDIUM-drift retrains. */
export interface MaintenanceWindow {
  /** `HH:MM` */
  start: string;
  /** `HH:MM`; at or before `start` means the window runs past midnight. */
  end: string;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of an `HH:MM` string; throws on anything else. */
export function parseClockTime(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match) throw new Error(`invalid time of day '${clock}': expected HH:MM, e.g. 02:00`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Whether the wall-clock time at `instantMs` is inside the window (start inclusive, end exclusive). */
export function isWithinMaintenanceWindow(
  instantMs: number,
  window: MaintenanceWindow,
  timeZone: string,
): boolean {
  const local = toLocalDateTime(instantMs, timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = parseClockTime(window.start);
  const end = parseClockTime(window.end);
  if (start < end) return minute >= start && minute < end;
  return minute >= start || minute < end;
}

/**
 * The first window start strictly after `instantMs`. On a day whose start time does not exist
 * (spring-forward gap) the window opens right after the gap; on a day where it exists twice,
 * at its first occurrence.
 */
export function nextMaintenanceWindowStart(
  instantMs: number,
  window: MaintenanceWindow,
  timeZone: string,
): number {
  const startMinute = parseClockTime(window.start);
  const today = toLocalDateTime(instantMs, timeZone);
  // Yesterday's date as well: near a DST change "today's" start may map before or after now.
  for (let offset = -1; offset <= 2; offset++) {
    const date = addCalendarDays(today, offset);
    const start = fromLocalDateTime(
      { ...date, hour: Math.floor(startMinute / 60), minute: startMinute % 60 },
      timeZone,
    );
    if (start > instantMs) return start;
  }
  // Unreachable for real zones (offsets change by hours, not days); a bound instead of a loop.
  throw new Error(
    `no maintenance window start found after ${new Date(instantMs).toISOString()} in ${timeZone}`,
  );
}
