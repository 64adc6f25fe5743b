import type { Alarm } from '../../contracts/alarms';

/** Cuts text to a channel's limit, saying so with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `data_drift_detected e-42` when the alarm answers an event, else undefined. */
export function sourceEventText(alarm: Alarm): string | undefined {
  const id = alarm.details?.source_event_id;
  if (typeof id !== 'string') return undefined;
  const type = alarm.details?.source_event_type;
  return `${typeof type === 'string' ? type : 'event'} ${id}`;
}

/** The headline of a warning batch or a group of critical alarms: how many, and from where. */
export function digestTitle(alarms: Alarm[]): string {
  const sources = [...new Set(alarms.map((a) => a.source))].sort().join(', ');
  // A group of critical alarms (ALERT_GROUP_WAIT_SECONDS) is about one subject and event type.
  if (alarms.every((a) => a.priority === 'critical'))
    return `${alarms.length} critical alarms for ${alarms[0].subject} from mlops-guardian (${sources})`;
  return `${alarms.length} warning${alarms.length === 1 ? '' : 's'} from mlops-guardian (${sources})`;
}

/** Plain text of one or several alarms, for e-mail and Discord. */
export function plainText(alarms: Alarm[]): string {
  return alarms
    .map((a) => {
      const source = sourceEventText(a);
      return [
        `[${a.priority.toUpperCase()}] ${a.title}`,
        a.message,
        `${a.source}: ${a.subject} · ${a.time} · alert ${a.alarmId}${source ? ` · source event ${source}` : ''}`,
      ].join('\n');
    })
    .join('\n\n');
}
