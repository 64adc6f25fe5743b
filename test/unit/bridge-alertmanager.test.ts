import { alertToEvent, parseAlertmanagerPayload } from '../../src/bridge/alertmanager-events';
import { snakeCase } from '../../src/domain/ingest/snake-case';
import { routeEvent } from '../../src/bridge/event-routing';
import { incoming, ingestSettings } from '../helpers/ingest';
import { withAlertAnnotations } from '../../src/activities/guardian/alert-annotations';
import { referenceAlerts } from '../fixtures/interop/alertmanager-reference-alerts';

const now = new Date('2026-04-01T12:00:00Z');

describe('Alertmanager webhook → system events', () => {
  it.each([
    ['SystemOverload', 'system_overload'],
    ['PredictionLatencyHigh', 'prediction_latency_high'],
    ['ServiceHealthCheckFailed', 'service_health_check_failed'],
    ['HTTPErrorsHigh', 'http_errors_high'],
    ['disk-full', 'disk_full'],
  ])('turns the alert name %s into the event type %s', (name, type) => {
    expect(snakeCase(name)).toBe(type);
  });

  it('maps a firing alert to a valid system event of its model, with severity, service and the alert text', () => {
    const event = alertToEvent(
      {
        status: 'firing',
        labels: {
          alertname: 'PredictionLatencyHigh',
          model: 'churn',
          severity: 'warning',
          job: 'churn-serving',
        },
        annotations: { summary: 'p99 above 2s' },
        startsAt: '2026-04-01T11:58:00.123456789Z',
        fingerprint: 'abc',
        generatorURL: 'http://prometheus/graph',
      },
      now,
    );
    expect(event).toEqual(
      expect.objectContaining({
        event_type: 'prediction_latency_high',
        model_name: 'churn',
        service_name: 'churn-serving',
        severity: 'MEDIUM',
        timestamp: '2026-04-01T11:58:00.123Z',
        source: 'alertmanager',
      }),
    );
    const routed = routeEvent(incoming(event), ingestSettings());
    expect(routed.ok && routed.delivery.workflowId).toBe('model-guardian:churn');
  });

  it('gives a repeated notification of the same alert the same event id, and a new firing a new one', () => {
    const alert = {
      status: 'firing',
      labels: { alertname: 'SystemOverload', model_name: 'm' },
      annotations: {},
      startsAt: '2026-04-01T11:00:00Z',
      fingerprint: 'f1',
    };
    const first = alertToEvent(alert, now);
    expect(alertToEvent(alert, new Date()).event_id).toBe(first.event_id);
    expect(alertToEvent({ ...alert, startsAt: '2026-04-01T11:30:00Z' }, now).event_id).not.toBe(
      first.event_id,
    );
    expect(alertToEvent({ ...alert, fingerprint: undefined }, now).event_id).toBe(
      alertToEvent({ ...alert, fingerprint: undefined }, now).event_id,
    );
  });

  it('lets an event_type label override the alert name and keeps severities it does not know', () => {
    const event = alertToEvent(
      {
        status: 'firing',
        labels: {
          alertname: 'X',
          event_type: 'service_health_check_failed',
          model_name: 'm',
          severity: 'page',
        },
        annotations: {},
      },
      now,
    );
    expect(event.event_type).toBe('service_health_check_failed');
    expect(event.severity).toBe('page');
    expect(event.timestamp).toBe(now.toISOString());
  });

  it('acts on firing alerts only and rejects what is not a webhook payload', () => {
    const parsed = parseAlertmanagerPayload({
      version: '4',
      alerts: [
        { status: 'firing', labels: { alertname: 'A', model_name: 'm' } },
        { status: 'resolved', labels: { alertname: 'A', model_name: 'm' } },
      ],
    });
    expect(parsed.ok && parsed.firing.length).toBe(1);
    expect(parsed.ok && parsed.resolved).toBe(1);
    expect(parseAlertmanagerPayload({ alerts: 'nope' })).toEqual({
      ok: false,
      detail: expect.stringContaining('alerts'),
    });
    expect(parseAlertmanagerPayload([])).toEqual(expect.objectContaining({ ok: false }));
  });

  it.each([
    ['HighErrorRate', 'service-guardian:mlops-api', 'high_error_rate', 'MEDIUM'],
    ['HighMemoryUsage', 'service-guardian:worker-2:9100', 'high_memory_usage', 'MEDIUM'],
    ['DatabaseConnectionsHigh', 'service-guardian:postgres', 'database_connections_high', 'CRITICAL'],
  ])(
    'routes the reference rule %s, which names no model, to the guardian of its service/job/instance',
    (name, workflowId, type, severity) => {
      const alert = referenceAlerts.find((a) => a.labels.alertname === name)!;
      const event = alertToEvent(alert, now);
      expect(event).not.toHaveProperty('model_name');
      const routed = routeEvent(incoming(event), ingestSettings());
      expect(routed.ok && routed.delivery.workflowId).toBe(workflowId);
      expect(routed.ok && routed.delivery.event).toEqual(
        expect.objectContaining({ event_type: type, severity, source: 'alertmanager' }),
      );
    },
  );

  it('prefers the job over the instance: the service, not one of its replicas', () => {
    const event = alertToEvent(referenceAlerts[0], now);
    expect(event.service_name).toBe('mlops-api');
    expect((event.metrics as { labels: Record<string, string> }).labels.instance).toBe('10.0.0.7:8000');
  });

  it('still dead-letters an alert naming no model, service, job or instance, saying what is missing', () => {
    const event = alertToEvent({ status: 'firing', labels: { alertname: 'Watchdog' }, annotations: {} }, now);
    const routed = routeEvent(incoming(event), ingestSettings());
    expect(routed).toEqual(expect.objectContaining({ ok: false, reason: 'unroutable' }));
  });

  it("quotes the alert's summary and description in our alert, after which our decision's reason follows", () => {
    const event = alertToEvent(referenceAlerts[2], now);
    const request = {
      alertId: 'a1',
      modelName: 'service:postgres',
      title: '[CRITICAL] database_connections_high on service:postgres',
      message: 'table database_connections_high × CRITICAL → ALERT',
      priority: 'critical' as const,
      time: now.toISOString(),
      sourceEvent: event,
    };
    const quoted = withAlertAnnotations(request);
    expect(quoted.title).toBe(
      '[CRITICAL] database_connections_high on service:postgres: Too many database connections',
    );
    expect(quoted.message).toBe(
      'Summary: Too many database connections\nDescription: 93 connections open\n' +
        'table database_connections_high × CRITICAL → ALERT',
    );
    // Alerts that did not come from Prometheus are left as they were.
    expect(withAlertAnnotations({ ...request, sourceEvent: { event_id: 'x' } })).toEqual({
      ...request,
      sourceEvent: { event_id: 'x' },
    });
    const onlyDescription = withAlertAnnotations({
      ...request,
      sourceEvent: { metrics: { annotations: { description: 'why', summary: '  ' } } },
    });
    expect(onlyDescription.title).toBe(request.title);
    expect(onlyDescription.message).toBe(`Description: why\n${request.message}`);
  });
});
