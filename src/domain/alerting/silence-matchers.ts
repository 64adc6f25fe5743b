import type { AlertPriorityLevel } from '../policy/actions';

/**
 * What a silence can match on, as Alertmanager's labels: the model (an alarm's subject), the
 * event type that caused it, the guardian action, its priority and its source. Matching is exact
 * equality; every matcher a silence names must match, and a silence names at least one.
 */
export interface AlarmLabels {
  model: string;
  eventType?: string;
  action?: string;
  priority: AlertPriorityLevel;
  source: string;
}

export type SilenceMatchers = Partial<AlarmLabels>;

export const MATCHER_NAMES = ['model', 'eventType', 'action', 'priority', 'source'] as const;

const PRIORITIES: readonly string[] = ['critical', 'high', 'medium', 'low'];
const SOURCES: readonly string[] = ['guardian', 'video', 'report', 'bridge'];
const MAX_TEXT = 500;

export interface SilenceRequest {
  matchers: SilenceMatchers;
  creator: string;
  comment: string;
  /** Defaults to now. */
  startsAt?: Date;
  endsAt: Date;
}

export type SilenceValidation = { ok: true; silence: SilenceRequest } | { ok: false; error: string };

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function dateOf(value: unknown, name: string): Date | string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? `${name} is not a valid time` : value;
  if (typeof value !== 'string') return `${name} is required (an ISO-8601 time)`;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? `${name} ${JSON.stringify(value)} is not an ISO-8601 time` : date;
}

/**
 * Checks a silence as a caller sent it (CLI flags or an HTTP body). A silence without a matcher
 * would silence everything, and one that already ended would change nothing while looking as if
 * it did: both are refused with a message saying what to fix.
 */
export function validateSilence(input: Record<string, unknown>, now: Date): SilenceValidation {
  const raw = (input.matchers ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, error: 'matchers must be an object' };
  const unknownNames = Object.keys(raw).filter((k) => !(MATCHER_NAMES as readonly string[]).includes(k));
  if (unknownNames.length > 0)
    return {
      ok: false,
      error: `unknown matcher ${unknownNames.join(', ')}: use ${MATCHER_NAMES.join(', ')}`,
    };
  const matchers: SilenceMatchers = {};
  for (const name of MATCHER_NAMES) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    if (!isText(value) || value.length > MAX_TEXT)
      return {
        ok: false,
        error: `matcher ${name} must be a non-empty string of at most ${MAX_TEXT} characters`,
      };
    (matchers as Record<string, string>)[name] = value;
  }
  if (Object.keys(matchers).length === 0)
    return {
      ok: false,
      error: `a silence needs at least one matcher (${MATCHER_NAMES.join(', ')}); one without would silence every alarm`,
    };
  if (matchers.priority !== undefined && !PRIORITIES.includes(matchers.priority))
    return { ok: false, error: `matcher priority must be one of ${PRIORITIES.join(', ')}` };
  if (matchers.source !== undefined && !SOURCES.includes(matchers.source))
    return { ok: false, error: `matcher source must be one of ${SOURCES.join(', ')}` };
  if (!isText(input.creator) || input.creator.length > MAX_TEXT)
    return { ok: false, error: 'creator is required: who creates the silence' };
  if (!isText(input.comment) || input.comment.length > 4 * MAX_TEXT)
    return { ok: false, error: 'comment is required: why the alarms are silenced' };
  const endsAt = dateOf(input.endsAt, 'endsAt');
  if (typeof endsAt === 'string') return { ok: false, error: endsAt };
  const startsAt = input.startsAt === undefined ? now : dateOf(input.startsAt, 'startsAt');
  if (typeof startsAt === 'string') return { ok: false, error: startsAt };
  if (endsAt.getTime() <= now.getTime())
    return { ok: false, error: `endsAt ${endsAt.toISOString()} is not in the future` };
  if (endsAt.getTime() <= startsAt.getTime())
    return {
      ok: false,
      error: `endsAt ${endsAt.toISOString()} is not after startsAt ${startsAt.toISOString()}`,
    };
  return {
    ok: true,
    silence: { matchers, creator: input.creator.trim(), comment: input.comment.trim(), startsAt, endsAt },
  };
}

/** True when every matcher the silence names equals the alarm's label (an absent label never matches). */
export function silenceMatches(matchers: SilenceMatchers, labels: AlarmLabels): boolean {
  const named = MATCHER_NAMES.filter((name) => matchers[name] !== undefined);
  return named.length > 0 && named.every((name) => labels[name] === matchers[name]);
}

/** A silence is active from its start until (not including) its end: it ends by itself. */
export function silenceActive(window: { startsAt: Date; endsAt: Date }, at: Date): boolean {
  return window.startsAt.getTime() <= at.getTime() && at.getTime() < window.endsAt.getTime();
}

/**
 * Of the silences in force, the one that holds an alarm back: among those matching it, the one
 * ending last, so the record names the silence that holds longest.
 */
export function longestMatchingSilence<T extends { matchers: SilenceMatchers; endsAt: Date | string }>(
  silences: readonly T[],
  labels: AlarmLabels,
): T | undefined {
  let found: T | undefined;
  for (const silence of silences) {
    if (!silenceMatches(silence.matchers, labels)) continue;
    if (found === undefined || new Date(silence.endsAt).getTime() > new Date(found.endsAt).getTime())
      found = silence;
  }
  return found;
}
