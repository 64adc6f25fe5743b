import type { ResponseAction } from './actions';

const MINUTE_MS = 60_000;

/** How long the same `event_type:action` stays silent after it ran (README "The policy", guard 3). */
export const COOLDOWN_MS: Record<ResponseAction, number> = {
  RETRAIN: 60 * MINUTE_MS,
  ROLLBACK: 30 * MINUTE_MS,
  SCALE_UP: 10 * MINUTE_MS,
  SCALE_DOWN: 10 * MINUTE_MS,
  ALERT: 5 * MINUTE_MS,
  MONITOR: 2 * MINUTE_MS,
};

/** One running cooldown of a model. */
export interface Cooldown {
  eventType: string;
  action: ResponseAction;
  /** Epoch ms when the response that started it was decided. */
  startedAt: number;
  /** Epoch ms; the key is silent while now < until. */
  until: number;
  /** The event whose response started it. */
  eventId: string;
}

/** Cooldowns of one model, by `event_type:action`. */
export type Cooldowns = Record<string, Cooldown>;

/** `data_drift_detected:RETRAIN` */
export function cooldownKey(eventType: string, action: ResponseAction): string {
  return `${eventType}:${action}`;
}

/** The cooldown that silences `key` at `now`, if any; it ends exactly at `until`. */
export function activeCooldown(cooldowns: Cooldowns, key: string, now: number): Cooldown | undefined {
  const cooldown = cooldowns[key];
  return cooldown && now < cooldown.until ? cooldown : undefined;
}

/** A new cooldown for a response taken at `now`. */
export function startCooldown(
  eventType: string,
  action: ResponseAction,
  now: number,
  eventId: string,
): Cooldown {
  return { eventType, action, startedAt: now, until: now + COOLDOWN_MS[action], eventId };
}

/** Only the cooldowns still running at `now` (keeps workflow state small). */
export function activeCooldowns(cooldowns: Cooldowns, now: number): Cooldowns {
  const active: Cooldowns = {};
  for (const [key, cooldown] of Object.entries(cooldowns)) {
    if (now < cooldown.until) active[key] = cooldown;
  }
  return active;
}
