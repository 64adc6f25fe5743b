/**
 * Hysteresis (README "The policy", guard 0): for an event type configured with N detections in a
 * window W, the policy acts only on the N-th detection within W, as a Prometheus rule fires only
 * after its `for:`. Detections before that are recorded as "waiting for confirmation" and nothing
 * runs. Without a rule for the event type (the default) every detection counts as confirmed.
 */

/** N detections within W minutes. */
export interface HysteresisRule {
  detections: number;
  windowMinutes: number;
}

/** Rules by event type (e.g. `data_drift_detected`). */
export type HysteresisRules = Record<string, HysteresisRule>;

/** Epoch ms of the unconfirmed detections still inside their window, by event type. */
export type Detections = Record<string, number[]>;

const MINUTE_MS = 60_000;
/** The most detections a rule may ask for: state stays small, and more is not a use case. */
export const MAX_HYSTERESIS_DETECTIONS = 100;
/** The longest window a rule may have: one week. */
export const MAX_HYSTERESIS_WINDOW_MINUTES = 7 * 24 * 60;

/** Where one more detection of `eventType` at `now` stands against its rule. */
export interface Confirmation {
  /** This detection makes N within W (or the type has no rule): the policy goes on. */
  confirmed: boolean;
  /** Detections within the window, this one included. */
  count: number;
  rule?: HysteresisRule;
}

export function confirmationOf(
  rules: HysteresisRules | undefined,
  detections: Detections | undefined,
  eventType: string,
  now: number,
): Confirmation {
  const rule = rules?.[eventType];
  if (!rule || rule.detections <= 1) return { confirmed: true, count: 1, rule };
  const count = withinWindow(detections?.[eventType], rule, now).length + 1;
  return { confirmed: count >= rule.detections, count, rule };
}

/** `waiting for confirmation (1 of 2 detections in 30 min)` */
export function describeWaiting(confirmation: Confirmation): string {
  const { count, rule } = confirmation;
  return `waiting for confirmation (${count} of ${rule!.detections} detections in ${rule!.windowMinutes} min)`;
}

/**
 * The detections after this one: an unconfirmed detection is remembered (at most N − 1 per type,
 * only those inside the window); a response that ran starts the count again.
 */
export function afterDetection(
  rules: HysteresisRules | undefined,
  detections: Detections | undefined,
  eventType: string,
  now: number,
  responded: boolean,
): Detections | undefined {
  const rule = rules?.[eventType];
  if (!rule || rule.detections <= 1) return detections;
  const next: Detections = {};
  for (const [type, times] of Object.entries(detections ?? {})) {
    const kept = rules[type] ? withinWindow(times, rules[type], now) : [];
    if (kept.length > 0 && type !== eventType) next[type] = kept;
  }
  if (!responded) {
    const kept = [...withinWindow(detections?.[eventType], rule, now), now];
    next[eventType] = kept.slice(-(rule.detections - 1));
  }
  return next;
}

function withinWindow(times: number[] | undefined, rule: HysteresisRule, now: number): number[] {
  const since = now - rule.windowMinutes * MINUTE_MS;
  return (times ?? []).filter((t) => t > since && t <= now);
}

/** Every problem with a set of rules, one line each (empty when valid). */
export function hysteresisProblems(rules: HysteresisRules): string[] {
  const problems: string[] = [];
  for (const [type, rule] of Object.entries(rules)) {
    if (
      !Number.isInteger(rule.detections) ||
      rule.detections < 1 ||
      rule.detections > MAX_HYSTERESIS_DETECTIONS
    )
      problems.push(
        `hysteresis.${type}.detections must be a whole number from 1 to ${MAX_HYSTERESIS_DETECTIONS}`,
      );
    if (!(rule.windowMinutes > 0 && rule.windowMinutes <= MAX_HYSTERESIS_WINDOW_MINUTES))
      problems.push(
        `hysteresis.${type}.windowMinutes must be over 0 and at most ${MAX_HYSTERESIS_WINDOW_MINUTES} (one week)`,
      );
  }
  return problems;
}

/**
 * `data_drift_detected=2/30m,model_performance_degraded=3/10m` → rules; throws naming the bad
 * part. Windows in minutes (`m`) or hours (`h`).
 */
export function parseHysteresisRules(text: string): HysteresisRules {
  const rules: HysteresisRules = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([^=\s]+)\s*=\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(m|h)$/.exec(part);
    if (!match) throw new Error(`'${part}' is not EVENT_TYPE=N/WINDOW (e.g. data_drift_detected=2/30m)`);
    const [, type, n, amount, unit] = match;
    if (rules[type]) throw new Error(`event type '${type}' is given twice`);
    rules[type] = { detections: Number(n), windowMinutes: Number(amount) * (unit === 'h' ? 60 : 1) };
  }
  const problems = hysteresisProblems(rules);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return rules;
}
