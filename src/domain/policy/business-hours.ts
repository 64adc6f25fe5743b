import { toLocalDateTime } from './time-zone';

/** Hours (0-23, inclusive both ends) in which RETRAIN and ROLLBACK may run automatically. */
export interface BusinessHours {
  startHour: number;
  /** Last business hour, inclusive: 22 means up to 22:59. */
  endHour: number;
  /** Let CRITICAL events RETRAIN/ROLLBACK outside business hours. */
  criticalOverride: boolean;
}

/** Whether an hour of the day is a business hour; a start after the end spans midnight. */
export function isBusinessHour(hour: number, hours: Pick<BusinessHours, 'startHour' | 'endHour'>): boolean {
  if (hours.startHour <= hours.endHour) return hour >= hours.startHour && hour <= hours.endHour;
  return hour >= hours.startHour || hour <= hours.endHour;
}

/** Whether `instantMs` falls in business hours in `timeZone` (off-hours: hour < start or hour > end). */
export function isWithinBusinessHours(
  instantMs: number,
  hours: Pick<BusinessHours, 'startHour' | 'endHour'>,
  timeZone: string,
): boolean {
  return isBusinessHour(toLocalDateTime(instantMs, timeZone).hour, hours);
}

/** `06:00–22:59`: business hours as reasons print them. */
export function describeBusinessHours(hours: Pick<BusinessHours, 'startHour' | 'endHour'>): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(hours.startHour)}:00–${pad(hours.endHour)}:59`;
}
