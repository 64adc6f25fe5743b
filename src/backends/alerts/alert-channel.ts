import type { AlertRequest } from '../../contracts/guardian-activities';

/** One place alerts go: the system.alerts topic, a Slack-compatible webhook. */
export interface AlertChannel {
  readonly name: string;
  deliver(alert: AlertRequest): Promise<void>;
}
