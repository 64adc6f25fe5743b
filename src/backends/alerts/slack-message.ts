import type { Alarm } from '../../contracts/alarms';
import type { AlertPriorityLevel } from '../../domain/policy/actions';
import { clip, digestTitle } from './alarm-text';

const MARKER: Record<AlertPriorityLevel, string> = {
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_orange_diamond:',
  low: ':information_source:',
};

// Slack's limits: header text 150 characters, section text 3000, 50 blocks a message.
const MAX_DIGEST_SECTIONS = 20;

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What the alarm is about, as people read it: `model fraud-scorer`, `video uploads/a.mp4`. */
function aboutText(alarm: Alarm): string {
  return `${alarm.source === 'guardian' ? 'model' : alarm.source} ${escapeMrkdwn(alarm.subject)}`;
}

/** `data_drift_detected \`e-42\``, escaped, or undefined. */
function sourceEventMrkdwn(alarm: Alarm): string | undefined {
  const id = alarm.details?.source_event_id;
  if (typeof id !== 'string') return undefined;
  const type = alarm.details?.source_event_type;
  return `${escapeMrkdwn(typeof type === 'string' ? type : 'event')} \`${escapeMrkdwn(id)}\``;
}

function oneAlarm(alarm: Alarm): { text: string; blocks: unknown[] } {
  const priority = alarm.priority.toUpperCase();
  const source = sourceEventMrkdwn(alarm);
  return {
    // The notification text is mrkdwn too: an event's words must not ping a channel (<!channel>).
    text: clip(
      `${MARKER[alarm.priority]} [${priority}] ${escapeMrkdwn(alarm.title)} (${aboutText(alarm)})`,
      3000,
    ),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(`[${priority}] ${alarm.title}`, 150), emoji: true },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: clip(escapeMrkdwn(alarm.message) || '(no message)', 3000) },
      },
      {
        type: 'section',
        fields: [
          {
            type: 'mrkdwn',
            text: `*${alarm.source === 'guardian' ? 'Model' : 'Subject'}*\n${escapeMrkdwn(alarm.subject)}`,
          },
          { type: 'mrkdwn', text: `*Priority*\n${MARKER[alarm.priority]} ${alarm.priority}` },
          { type: 'mrkdwn', text: `*Time*\n${escapeMrkdwn(alarm.time)}` },
          { type: 'mrkdwn', text: `*Source event*\n${source ?? 'none'}` },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `alert \`${escapeMrkdwn(alarm.alarmId)}\` · ${alarm.source} · mlops-guardian`,
          },
        ],
      },
    ],
  };
}

function digest(alarms: Alarm[]): { text: string; blocks: unknown[] } {
  const shown = alarms.slice(0, MAX_DIGEST_SECTIONS);
  const title = digestTitle(alarms);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: true } },
  ];
  for (const alarm of shown) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `${MARKER[alarm.priority]} *${escapeMrkdwn(alarm.title)}* (${aboutText(alarm)}, ${escapeMrkdwn(alarm.time)}, alert \`${escapeMrkdwn(alarm.alarmId)}\`)\n${escapeMrkdwn(alarm.message)}`,
          3000,
        ),
      },
    });
  }
  if (alarms.length > shown.length)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `…and ${alarms.length - shown.length} more (system.alerts has them all)` },
      ],
    });
  return { text: clip(`:warning: ${escapeMrkdwn(title)}`, 3000), blocks };
}

/** Alarms as a Slack incoming-webhook message: `text` for notifications, `blocks` for the layout. */
export function slackMessage(alarms: Alarm[]): { text: string; blocks: unknown[] } {
  return alarms.length === 1 ? oneAlarm(alarms[0]) : digest(alarms);
}
