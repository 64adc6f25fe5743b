import { callHttpBackend, HttpBackendTarget } from '../http/http-backend';
import type { AlertChannel } from './alert-channel';
import { slackMessage } from './slack-message';

/**
 * Alerts to a Slack-compatible incoming webhook. The URL is a credential: it is marked secret,
 * so no error message or log line ever shows it.
 */
export function createWebhookAlertChannel(url: string, timeoutMs: number): AlertChannel {
  const target: HttpBackendTarget = { label: 'alert webhook', baseUrl: url, secretUrl: true, timeoutMs };
  return {
    name: 'webhook',
    async deliver(alert) {
      // Slack answers "ok" as plain text, so the body is not parsed.
      await callHttpBackend(target, {
        method: 'POST',
        body: slackMessage(alert),
        headers: { accept: '*/*' },
      });
    },
  };
}
