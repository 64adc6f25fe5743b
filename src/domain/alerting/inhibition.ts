import type { AlertPriorityLevel } from '../policy/actions';

const RANK: Record<AlertPriorityLevel, number> = { critical: 3, high: 2, medium: 1, low: 0 };

/** Whether anything can inhibit this alarm: inhibition is on (minutes > 0) and it is not critical. */
export function mayBeInhibited(priority: AlertPriorityLevel, windowMinutes: number): boolean {
  return windowMinutes > 0 && priority !== 'critical';
}

/**
 * Alertmanager's inhibition rule, fixed: a critical alarm for a model that fired within the
 * window inhibits every lower-priority alarm for the same model. The person already paged for the
 * model does not need the warnings that follow from the same trouble; a critical never inhibits
 * another critical, so nothing that pages is ever held back by inhibition.
 */
export function inhibits(
  firing: { model: string; priority: AlertPriorityLevel; raisedAt: Date },
  target: { model: string; priority: AlertPriorityLevel; raisedAt: Date },
  windowMinutes: number,
): boolean {
  if (firing.priority !== 'critical' || RANK[target.priority] >= RANK.critical) return false;
  if (firing.model !== target.model) return false;
  const age = target.raisedAt.getTime() - firing.raisedAt.getTime();
  return age >= 0 && age <= windowMinutes * 60_000;
}
