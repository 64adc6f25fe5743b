import type { Alarm } from '../../contracts/alarms';
import type { AlarmLabels } from '../../domain/alerting/silence-matchers';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/**
 * The labels silences match on, from what every source already puts in an alarm: the model is the
 * alarm's subject (a guardian's model name; a video key, a report date or `fleet` otherwise); the
 * event type is the source event's type, else the alarm's kind (`duplicate_job`,
 * `db_connection_failures`); the action is the guardian action the alarm reports, when it does.
 */
export function alarmLabels(alarm: Alarm): AlarmLabels {
  const details = alarm.details ?? {};
  const eventType = text(details.source_event_type) ?? alarm.kind;
  const action = text(details.action);
  return {
    model: text(details.model_name) ?? alarm.subject,
    ...(eventType ? { eventType } : {}),
    ...(action ? { action } : {}),
    priority: alarm.priority,
    source: alarm.source,
  };
}
