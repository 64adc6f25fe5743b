import type { AlertPriorityLevel } from '../policy/actions';

/** How an alarm travels: at once, in the next warning batch, or into the daily report's summary. */
export type AlarmRoute = 'now' | 'batch' | 'summary';

/**
 * Critical alarms (and those marked immediate, e.g. a duplicate job) go out at once; warnings
 * (high, medium) wait for the next batch so a noisy hour is one message, not fifty; low ones are
 * information for the daily report and reach nobody's phone.
 */
export function alarmRoute(alarm: { priority: AlertPriorityLevel; immediate?: boolean }): AlarmRoute {
  if (alarm.immediate || alarm.priority === 'critical') return 'now';
  if (alarm.priority === 'high' || alarm.priority === 'medium') return 'batch';
  return 'summary';
}
