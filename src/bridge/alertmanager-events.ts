import { z } from 'zod';
import { describeZodError } from '../domain/events';
import { deterministicUuid } from '../backends/deterministic-id';
import { snakeCase } from '../domain/ingest/snake-case';

/** The Prometheus Alertmanager webhook payload (version 4), as much of it as we read. */
const alertSchema = z.object({
  status: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const alertmanagerPayloadSchema = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  status: z.string().optional(),
  receiver: z.string().optional(),
  alerts: z.array(alertSchema),
});

export type AlertmanagerAlert = z.infer<typeof alertSchema>;

export type AlertmanagerParse =
  | {
      ok: true;
      firing: Array<{ alert: AlertmanagerAlert; event: Record<string, unknown> }>;
      resolved: number;
    }
  | { ok: false; detail: string };

const SEVERITIES: Record<string, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  error: 'HIGH',
  warning: 'MEDIUM',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'LOW',
};

function isoTime(text: string | undefined, fallback: Date): string {
  const d = text ? new Date(text) : fallback;
  return Number.isNaN(d.getTime()) || d.getFullYear() < 1971 ? fallback.toISOString() : d.toISOString();
}

/**
 * The service an alert is about: an explicit `service_name`/`service` label, else the scrape
 * `job` (the service as Prometheus knows it), else the `instance` — what every series a rule
 * selects without aggregating still carries, so a rule about a service, not a model, still
 * reaches a guardian (that service's own) instead of the dead-letter topic.
 */
function serviceOf(labels: Record<string, string>): string | undefined {
  return labels.service_name ?? labels.service ?? labels.job ?? labels.instance;
}

/**
 * One firing alert → one system event of README "Kafka bridge". The model comes from the `model_name` (or
 * `model`) label; without one the event is about its service (serviceOf). The event type comes
 * from an `event_type` label, else the alert name in snake case (`SystemOverload` →
 * `system_overload`; unknown types get the ALERT response); the severity from the `severity`
 * label. The event id is derived from the alert's fingerprint and start time, so
 * Alertmanager's repeated notifications of the same alert are one event.
 */
export function alertToEvent(alert: AlertmanagerAlert, now: Date): Record<string, unknown> {
  const { labels, annotations } = alert;
  const alertname = labels.alertname ?? 'alertmanager_alert';
  const identity =
    alert.fingerprint ?? JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  const startsAt = isoTime(alert.startsAt, now);
  const severity = labels.severity
    ? (SEVERITIES[labels.severity.toLowerCase()] ?? labels.severity)
    : undefined;
  const event: Record<string, unknown> = {
    event_id: deterministicUuid('alertmanager', identity, startsAt),
    event_type: labels.event_type ?? snakeCase(alertname),
    timestamp: startsAt,
    source: 'alertmanager',
    model_name: labels.model_name ?? labels.model,
    service_name: serviceOf(labels),
    severity,
    // The alert's own words travel with the event, so the guardian's ALERT can quote them.
    metrics: { alertname, labels, annotations, generator_url: alert.generatorURL },
  };
  for (const [k, v] of Object.entries(event)) if (v === undefined) delete event[k];
  return event;
}

/** Validates a webhook body and maps its firing alerts to events; resolved alerts are only counted. */
export function parseAlertmanagerPayload(body: unknown, now = new Date()): AlertmanagerParse {
  const parsed = alertmanagerPayloadSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, detail: `not an Alertmanager webhook payload: ${describeZodError(parsed.error)}` };
  }
  const firing = parsed.data.alerts
    .filter((a) => a.status === 'firing')
    .map((alert) => ({ alert, event: alertToEvent(alert, now) }));
  return { ok: true, firing, resolved: parsed.data.alerts.length - firing.length };
}
