import type { AlertPriorityLevel } from '../policy/actions';
import type { AlarmRoute } from './alarm-route';
import type { AlarmLabels } from './silence-matchers';

/**
 * The group a critical alarm waits in (Alertmanager's group_by, fixed): its model and the event
 * type that caused it, so a burst of one trouble is one page and two troubles stay two.
 */
export function alarmGroupKey(labels: AlarmLabels): string {
  return `${labels.model}|${labels.eventType ?? ''}`;
}

/**
 * Only what pages waits for its group: warnings are grouped by their batch already, and an alarm
 * marked immediate (not critical) must not be held back by a wait meant for bursts.
 */
export function waitsInGroup(
  route: AlarmRoute,
  priority: AlertPriorityLevel,
  groupWaitSeconds: number,
): boolean {
  return route === 'now' && priority === 'critical' && groupWaitSeconds > 0;
}
