import type { AlertPriority, AlertRequest } from '../../contracts/guardian-activities';

const MARKER: Record<AlertPriority, string> = {
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_orange_diamond:',
  low: ':information_source:',
};

// Slack's limits: header text 150 characters, section text 3000.
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An alert as a Slack incoming-webhook message: `text` for notifications, `blocks` for the layout. */
export function slackMessage(alert: AlertRequest): { text: string; blocks: unknown[] } {
  const priority = alert.priority.toUpperCase();
  const source = alert.sourceEvent;
  const sourceText =
    source && typeof source.event_id === 'string'
      ? `${escapeMrkdwn(String(source.event_type ?? 'event'))} \`${escapeMrkdwn(source.event_id)}\``
      : 'none';
  return {
    // The notification text is mrkdwn too: an event's words must not ping a channel (<!channel>).
    text: clip(
      `${MARKER[alert.priority]} [${priority}] ${escapeMrkdwn(alert.title)} (model ${escapeMrkdwn(alert.modelName)})`,
      3000,
    ),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(`[${priority}] ${alert.title}`, 150), emoji: true },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: clip(escapeMrkdwn(alert.message) || '(no message)', 3000) },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Model*\n${escapeMrkdwn(alert.modelName)}` },
          { type: 'mrkdwn', text: `*Priority*\n${MARKER[alert.priority]} ${alert.priority}` },
          { type: 'mrkdwn', text: `*Time*\n${escapeMrkdwn(alert.time)}` },
          { type: 'mrkdwn', text: `*Source event*\n${sourceText}` },
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `alert \`${escapeMrkdwn(alert.alertId)}\` · mlops-guardian` }],
      },
    ],
  };
}
