import type { Alarm } from '../../contracts/alarms';
import { callHttpBackend, type HttpBackendTarget } from '../http/http-backend';
import type { AlarmChannel } from './alarm-channel';

/**
 * A channel that POSTs JSON to a webhook (Slack, Discord, a generic receiver). The URL is a
 * credential (it holds the token), so no error message or log line ever shows it.
 */
export function createHttpAlarmChannel(
  name: string,
  url: string,
  timeoutMs: number,
  body: (alarms: Alarm[], deliveryId: string) => unknown,
): AlarmChannel {
  const target: HttpBackendTarget = { label: `${name} webhook`, baseUrl: url, secretUrl: true, timeoutMs };
  return {
    name,
    async send(alarms, deliveryId, signal) {
      // Slack answers "ok" and Discord 204 with no body: the body is not parsed.
      await callHttpBackend(target, {
        method: 'POST',
        body: body(alarms, deliveryId),
        headers: { accept: '*/*', 'idempotency-key': deliveryId },
        signal,
      });
    },
  };
}
