import type { Alarm } from '../../contracts/alarms';
import type { AlertPriorityLevel } from '../../domain/policy/actions';
import { clip, digestTitle } from './alarm-text';

const COLOUR: Record<AlertPriorityLevel, number> = {
  critical: 0xd32f2f,
  high: 0xf57c00,
  medium: 0xfbc02d,
  low: 0x1976d2,
};

// Discord's limits: 10 embeds a message; title 256, description 4096, content 2000 characters.
const MAX_EMBEDS = 10;

/**
 * Alarms as a Discord webhook message. `allowed_mentions: { parse: [] }` because an event's words
 * (`@everyone` in a model name) must never ping anyone.
 */
export function discordMessage(alarms: Alarm[]): Record<string, unknown> {
  const shown = alarms.slice(0, MAX_EMBEDS);
  const more = alarms.length - shown.length;
  const headline =
    alarms.length === 1 ? `[${alarms[0].priority.toUpperCase()}] ${alarms[0].title}` : digestTitle(alarms);
  return {
    content: clip(
      `${headline}${more > 0 ? ` (${more} more not shown; system.alerts has them all)` : ''}`,
      2000,
    ),
    allowed_mentions: { parse: [] },
    embeds: shown.map((a) => ({
      title: clip(`[${a.priority.toUpperCase()}] ${a.title}`, 256),
      description: clip(a.message || '(no message)', 4096),
      color: COLOUR[a.priority],
      timestamp: a.time,
      fields: [
        { name: a.source === 'guardian' ? 'Model' : 'Subject', value: clip(a.subject, 1024), inline: true },
        { name: 'Source', value: a.source, inline: true },
      ],
      footer: { text: clip(`alert ${a.alarmId}`, 2048) },
    })),
  };
}
