import { serviceOfSubject } from '../events';

/**
 * Which model (and service) names may have a guardian (GUARDIAN_MODELS, GUARDIAN_MODEL_PATTERN).
 * Every name starts a long-lived guardian, so a producer that invents names — by mistake or on
 * purpose — would otherwise start one guardian each. Without a rule the default pattern applies
 * (the safe-text checks apply as well).
 */
export interface ModelNameRule {
  /** Names allowed as they are. */
  allowed?: readonly string[];
  /** A regular expression (Unicode) the whole name must match. */
  pattern?: string;
}

/**
 * The names a guardian may have when neither GUARDIAN_MODELS nor GUARDIAN_MODEL_PATTERN is set:
 * a letter (any script), digit or emoji first; then letters with their combining marks, digits,
 * emoji with their modifiers, joiners and flags, and `_ . : @ / + -`. No spaces and no characters
 * that shells, URLs, query languages or chat markup read specially (quotes, `<>&;|$%#*?!` …).
 * Length is limited by TEXT_LIMITS.model_name / service_name.
 */
export const DEFAULT_MODEL_NAME_PATTERN =
  '[\\p{L}\\p{N}\\p{Extended_Pictographic}\\p{Regional_Indicator}]' +
  '[\\p{L}\\p{M}\\p{N}\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\p{Regional_Indicator}\\u200d\\ufe0f\\u20e3\\u{e0020}-\\u{e007f}_.:@/+-]*';

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
 * is in the list or matches the pattern; with neither set, when it matches the default pattern.
 */
export function modelNameRefusal(subject: string, rule: ModelNameRule | undefined): string | undefined {
  const allowed = rule?.allowed;
  const pattern = rule?.pattern;
  const service = serviceOfSubject(subject);
  const name = service ?? subject;
  const what = service !== undefined ? `service '${name}'` : `model '${name}'`;
  if (!allowed?.length && pattern === undefined) {
    if (modelNamePattern(DEFAULT_MODEL_NAME_PATTERN).test(name)) return undefined;
    return `${what} may not have a guardian: without GUARDIAN_MODELS or GUARDIAN_MODEL_PATTERN a name starts with a letter, digit or emoji and holds only letters, digits, emoji and _ . : @ / + - (no spaces)`;
  }
  if (allowed?.includes(name)) return undefined;
  if (pattern !== undefined && modelNamePattern(pattern).test(name)) return undefined;
  const rules = [
    allowed?.length ? `not one of the ${allowed.length} names in GUARDIAN_MODELS` : undefined,
    pattern !== undefined ? `does not match GUARDIAN_MODEL_PATTERN ${pattern}` : undefined,
  ].filter(Boolean);
  return `${what} may not have a guardian: ${rules.join(' and ')}`;
}
