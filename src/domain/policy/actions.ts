/** The responses the guardian can take and the severities it reasons with (README "The policy"). */

export const RESPONSE_ACTIONS = [
  'RETRAIN',
  'ROLLBACK',
  'SCALE_UP',
  'SCALE_DOWN',
  'ALERT',
  'MONITOR',
] as const;
export type ResponseAction = (typeof RESPONSE_ACTIONS)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Alert priority per severity, as README "What the guardian does with a decision" names them. */
export type AlertPriorityLevel = 'critical' | 'high' | 'medium' | 'low';

export function isResponseAction(value: unknown): value is ResponseAction {
  return typeof value === 'string' && (RESPONSE_ACTIONS as readonly string[]).includes(value);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Order of severities, so "raise, never lower" is a comparison. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** Alert priority for a severity label (any case); anything else (an operator's NONE) is medium. */
export function alertPriorityFor(severity: string): AlertPriorityLevel {
  const level = severity.toLowerCase();
  return level === 'critical' || level === 'high' || level === 'medium' || level === 'low' ? level : 'medium';
}
