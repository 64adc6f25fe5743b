import type { Alarm } from '../../contracts/alarms';

/**
 * One way alarms reach people (Slack, Discord, a JSON webhook, e-mail). It sends one message
 * holding one alarm, or a batch of warnings; it throws when the message did not arrive, with
 * `permanent` set when sending it again cannot help (the receiver refused it).
 */
export interface AlarmChannel {
  readonly name: string;
  /** `deliveryId` names the message (the alarm id, or the batch id): receivers may dedupe on it. */
  send(alarms: Alarm[], deliveryId: string, signal?: AbortSignal): Promise<void>;
  /** Releases connections (the SMTP pool). */
  close?(): void;
}

/** A message a channel refused: retrying it would be refused again. */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

export function isPermanentDeliveryError(err: unknown): boolean {
  if (err instanceof PermanentDeliveryError) return true;
  // A backend's non-retryable failure (HTTP 4xx other than 408/425/429) is a refusal too.
  return (err as { nonRetryable?: unknown })?.nonRetryable === true;
}
