import { serviceOfSubject } from '../events';

/**
 * Which model (and service) names may have a guardian (GUARDIAN_MODELS, GUARDIAN_MODEL_PATTERN).
 * Every name starts a long-lived guardian, so a producer that invents names — by mistake or on
 * purpose — would otherwise start one guardian each. Without a rule every plain-text name is
 * accepted (the safe-text checks still apply).
 */
export interface ModelNameRule {
  /** Names allowed as they are. */
  allowed?: readonly string[];
  /** A regular expression (Unicode) the whole name must match. */
  pattern?: string;
}

const compiled = new Map<string, RegExp>();

/** `pattern` as a whole-name, Unicode-aware expression; throws when it does not compile. */
export function modelNamePattern(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, regex);
  }
  return regex;
}

/**
 * Why the guardian subject `subject` (a model name, or `service:<name>` for a system event that
 * names only a service) may not have a guardian; undefined when it may. A name is allowed when it
 * is in the list or matches the pattern; with neither set, every name is.
 */
export function modelNameRefusal(subject: string, rule: ModelNameRule | undefined): string | undefined {
  const allowed = rule?.allowed;
  const pattern = rule?.pattern;
  if (!allowed?.length && pattern === undefined) return undefined;
  const service = serviceOfSubject(subject);
  const name = service ?? subject;
  if (allowed?.includes(name)) return undefined;
  if (pattern !== undefined && modelNamePattern(pattern).test(name)) return undefined;
  const what = service !== undefined ? `service '${name}'` : `model '${name}'`;
  const rules = [
    allowed?.length ? `not one of the ${allowed.length} names in GUARDIAN_MODELS` : undefined,
    pattern !== undefined ? `does not match GUARDIAN_MODEL_PATTERN ${pattern}` : undefined,
  ].filter(Boolean);
  return `${what} may not have a guardian: ${rules.join(' and ')}`;
}
