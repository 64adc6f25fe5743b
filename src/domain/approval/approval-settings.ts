import { clipText } from '../clip-text';
import { isResponseAction, isSeverity, RESPONSE_ACTIONS, SEVERITIES } from '../policy/actions';

/**
 * Human approval (README "Approval before acting"): which actions, at which severity, wait for a
 * person instead of running, how long the guardian waits, and what it does when nobody answers.
 */

/** What happens to a request nobody answered in time: it runs anyway, or nothing runs. */
export const APPROVAL_TIMEOUT_OUTCOMES = ['abandon', 'proceed'] as const;
export type ApprovalTimeoutOutcome = (typeof APPROVAL_TIMEOUT_OUTCOMES)[number];

/** One `ACTION:SEVERITY` entry; severity `*` matches every severity. */
export interface ApprovalRule {
  action: string;
  severity: string;
}

export interface ApprovalSettings {
  /** Empty: nothing needs approval (every decision runs as it always did). */
  required: ApprovalRule[];
  timeoutMinutes: number;
  timeoutOutcome: ApprovalTimeoutOutcome;
}

export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 15;
/** A week: a request must end by itself while its reasons still mean something. */
export const MAX_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;
/** More entries than actions × (severities + `*`) can only be repeats. */
const MAX_RULES = RESPONSE_ACTIONS.length * (SEVERITIES.length + 1);

/**
 * `ROLLBACK:HIGH,RETRAIN:CRITICAL,SCALE_UP:*` → rules (any case; repeats kept once); throws an
 * Error naming every bad entry.
 */
export function parseApprovalRules(text: string): ApprovalRule[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const rules: ApprovalRule[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const [action, severity, extra] = entry.split(':').map((part) => part.trim().toUpperCase());
    if (extra !== undefined || !action || !severity) {
      problems.push(`'${clipText(entry, 60)}' is not ACTION:SEVERITY`);
      continue;
    }
    const rule = { action, severity };
    problems.push(...ruleProblems(rule));
    if (!rules.some((r) => r.action === action && r.severity === severity)) rules.push(rule);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return rules;
}

/** Every problem with approval settings, one readable line each (empty when valid). */
export function approvalProblems(settings: ApprovalSettings): string[] {
  const problems: string[] = [];
  if (typeof settings !== 'object' || settings === null) return ['approval must be an object'];
  if (!Array.isArray(settings.required))
    problems.push('approval.required must be a list of {action, severity}');
  else if (settings.required.length > MAX_RULES)
    problems.push(`approval.required has more than ${MAX_RULES} entries`);
  else
    for (const rule of settings.required)
      problems.push(...ruleProblems(rule).map((p) => `approval.required: ${p}`));
  const minutes = settings.timeoutMinutes;
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < 1 ||
    minutes > MAX_APPROVAL_TIMEOUT_MINUTES
  )
    problems.push(
      `approval.timeoutMinutes must be a whole number from 1 to ${MAX_APPROVAL_TIMEOUT_MINUTES}, got ${String(minutes)}`,
    );
  if (!(APPROVAL_TIMEOUT_OUTCOMES as readonly string[]).includes(settings.timeoutOutcome))
    problems.push(
      `approval.timeoutOutcome must be ${APPROVAL_TIMEOUT_OUTCOMES.join(' or ')}, got ${clipText(String(settings.timeoutOutcome), 40)}`,
    );
  return problems;
}

/** Whether a decision's action at this severity must wait for a person (no settings: never). */
export function needsApproval(
  settings: ApprovalSettings | undefined,
  action: string,
  severity: string,
): boolean {
  if (!settings) return false;
  return settings.required.some(
    (r) => r.action === action && (r.severity === '*' || r.severity === severity),
  );
}

/** `ROLLBACK:HIGH,SCALE_UP:*`, as the setting is written (and the README shows it). */
export function describeApprovalRules(rules: ApprovalRule[]): string {
  return rules.map((r) => `${r.action}:${r.severity}`).join(',') || '(none)';
}

function ruleProblems(rule: ApprovalRule): string[] {
  if (typeof rule !== 'object' || rule === null) return ['an entry must be {action, severity}'];
  const problems: string[] = [];
  if (!isResponseAction(rule.action))
    problems.push(
      `unknown action '${clipText(String(rule.action), 40)}' (one of ${RESPONSE_ACTIONS.join(', ')})`,
    );
  if (rule.severity !== '*' && !isSeverity(rule.severity))
    problems.push(
      `unknown severity '${clipText(String(rule.severity), 40)}' (one of ${SEVERITIES.join(', ')} or *)`,
    );
  return problems;
}
