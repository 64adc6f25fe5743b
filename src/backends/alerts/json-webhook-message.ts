import type { Alarm } from '../../contracts/alarms';

/**
 * Alarms for a generic webhook: always a list, so a receiver handles one alarm and a batch of
 * warnings alike; `batch_id` names a batch (absent for an alarm sent at once).
 */
export function jsonWebhookMessage(alarms: Alarm[], batchId?: string): Record<string, unknown> {
  return {
    ...(batchId ? { batch_id: batchId } : {}),
    alerts: alarms.map((a) => ({
      alert_id: a.alarmId,
      source: a.source,
      subject: a.subject,
      kind: a.kind ?? null,
      priority: a.priority,
      title: a.title,
      message: a.message,
      time: a.time,
      details: a.details ?? {},
    })),
  };
}
