/**
 * Which 24 hours a daily report covers, and which report date a scheduled run means.
 *
 * The report for date D covers the 24 hours that end at local midnight between D and D+1 in
 * the report time zone: [end − 24 h, end). A line stamped exactly 24 h before the end is
 * IN the window (inclusive start); a line stamped exactly at the end belongs to the next
 * day's report (exclusive end), so no line is ever counted by two reports. On a normal day
 * that is exactly the local calendar day; on a DST day it is still 24 real hours.
 */
import { instantOfWallClock, localDateAt } from './zoned-time';

export const WINDOW_MS = 24 * 3_600_000;

export interface ReportWindow {
  reportDate: string;
  timeZone: string;
  /** Inclusive, epoch ms. */
  startMs: number;
  /** Exclusive, epoch ms. */
  endMs: number;
}

const REPORT_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isReportDate(value: string): boolean {
  const m = REPORT_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function requireReportDate(value: string): [number, number, number] {
  if (!isReportDate(value)) throw new RangeError(`'${value}' is not a report date: expected YYYY-MM-DD`);
  const m = REPORT_DATE.exec(value)!;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The calendar date `days` after (or before, if negative) a YYYY-MM-DD date. */
export function addDays(reportDate: string, days: number): string {
  const [y, m, d] = requireReportDate(reportDate);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The window a report date covers in a time zone (see the module comment). */
export function reportWindow(reportDate: string, timeZone: string): ReportWindow {
  const [y, m, d] = requireReportDate(addDays(reportDate, 1));
  const endMs = instantOfWallClock({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0 }, timeZone);
  return { reportDate, timeZone, startMs: endMs - WINDOW_MS, endMs };
}

/**
 * The report date a run at `instantMs` produces: the last local day that has ended, i.e. the
 * day before the local date of the run. A run at 00:15 on the 11th reports on the 10th.
 */
export function reportDateForRunAt(instantMs: number, timeZone: string): string {
  return addDays(localDateAt(instantMs, timeZone), -1);
}

/**
 * The span a Schedule backfill must cover so that a daily schedule fires exactly once for
 * each report date from `from` to `to`: from just before local midnight starting the day
 * after `from` to just before local midnight ending the day after `to`. A daily fire at any
 * HH:MM falls inside exactly once per date, whatever REPORT_SCHEDULE_TIME is.
 */
export function backfillSpan(from: string, to: string, timeZone: string): { startMs: number; endMs: number } {
  datesBetween(from, to);
  return {
    startMs: reportWindow(from, timeZone).endMs - 1000,
    endMs: reportWindow(addDays(to, 1), timeZone).endMs - 1000,
  };
}

/** Every date from `from` to `to`, both included; throws when `from` is after `to`. */
export function datesBetween(from: string, to: string): string[] {
  requireReportDate(from);
  requireReportDate(to);
  if (from > to) throw new RangeError(`${from} is after ${to}: expected FROM <= TO`);
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}
