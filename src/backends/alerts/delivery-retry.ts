import type { Alarm } from '../../contracts/alarms';
import { errorMessage } from '../../domain/error-message';
import { abortableSleep } from '../abortable-sleep';
import { type AlarmChannel, isPermanentDeliveryError } from './alarm-channel';

/** ALERT_DELIVERY_ATTEMPTS, ALERT_RETRY_INITIAL_SECONDS, ALERT_RETRY_MAX_SECONDS. */
export interface DeliveryRetryPolicy {
  attempts: number;
  initialMs: number;
  maxMs: number;
}

export type DeliveryOutcome =
  { ok: true; attempts: number } | { ok: false; attempts: number; error: string; permanent: boolean };

/** The wait before attempt `attempt + 1`: initial, 2×, 4× … never above the cap. */
export function retryDelayMs(policy: DeliveryRetryPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
}

/**
 * Sends one message on one channel, trying again with capped backoff, a bounded number of times:
 * a channel that stays down costs at most the policy's budget, never an endless loop. A refusal
 * (HTTP 400, SMTP 550) is not tried again: it would be refused again.
 */
export async function deliverWithRetry(
  channel: AlarmChannel,
  alarms: Alarm[],
  deliveryId: string,
  policy: DeliveryRetryPolicy,
  onFailedAttempt: (error: string) => void,
  signal: AbortSignal = new AbortController().signal,
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await channel.send(alarms, deliveryId, signal);
      return { ok: true, attempts: attempt };
    } catch (err) {
      const error = errorMessage(err);
      onFailedAttempt(error);
      const permanent = isPermanentDeliveryError(err);
      if (permanent || attempt >= policy.attempts || signal.aborted)
        return { ok: false, attempts: attempt, error, permanent };
      await abortableSleep(retryDelayMs(policy, attempt), signal).catch(() => undefined);
    }
  }
}
