import type { KafkaMessage } from 'kafkajs';
import { guardianWorkflowId, videoWorkflowId } from '../../src/contracts/workflows';
import { referenceAlerts } from '../fixtures/interop/alertmanager-reference-alerts';
import { DLQ_HEADERS } from '../../src/bridge/dead-letter-writer';
import { startInputQuery, videoInputQuery } from '../fixtures/bridge-workflows';
import {
  degradationEvent,
  driftEvent,
  guardianEvents,
  header,
  produce,
  readTopic,
  systemEvent,
  videoEvent,
  waitFor,
  useInProcessBridge,
} from '../helpers/bridge-harness';
import { consoleProduce } from '../helpers/kafka-console';
import { uniqueName } from '../helpers/stack';

const MAX_BYTES = 4096;

describe('Kafka bridge: routing, dead letters and the HTTP way in (real Kafka + Temporal)', () => {
  const world = useInProcessBridge({ env: { BRIDGE_MAX_MESSAGE_BYTES: String(MAX_BYTES) } });

  it('delivers events produced by Kafka console producer to the guardian of their model and video uploads to video jobs', async () => {
    const [a, b, c] = [uniqueName('model-a'), uniqueName('model-b'), uniqueName('model-c')];
    const driftsA = [1, 2, 3].map((n) => driftEvent(a, { drift_score: n / 10 }));
    const driftB = driftEvent(b);
    const overloadA = systemEvent(a, 'system_overload', { severity: 'HIGH' });
    // README "Kafka bridge": an event type not in the action table is valid when it names a model (it gets the ALERT row).
    const unknownC = systemEvent(c, 'gpu_memory_pressure');
    const degradationB = degradationEvent(b);
    const healthA = systemEvent(a, 'service_health_check_failed');
    const upload = videoEvent(uniqueName('video'));
    const request = {
      event_id: driftEvent(a).event_id,
      event_type: 'video_analysis_requested',
      timestamp: new Date().toISOString(),
      source: 'bridge-test',
      bucket: 'cams',
      object_key: `${uniqueName('cam')}/clip.mp4`,
    };

    await Promise.all([
      consoleProduce(world.t.topics.drift, [...driftsA.map((e) => [a, e] as [string, object]), [b, driftB]]),
      consoleProduce(world.t.topics.systemMetrics, [
        [a, overloadA],
        [c, unknownC],
      ]),
      produce(world.t.producer, world.t.topics.degradation, [
        { key: b, value: JSON.stringify(degradationB) },
      ]),
      produce(world.t.producer, world.t.topics.systemHealth, [{ key: a, value: JSON.stringify(healthA) }]),
      produce(world.t.producer, world.t.topics.video, [
        { key: upload.video_id, value: JSON.stringify(upload) },
      ]),
      produce(world.t.producer, world.t.topics.videoRequested, [
        { key: request.object_key, value: JSON.stringify(request) },
      ]),
    ]);

    const client = world.t.temporal.client;
    const receivedA = await waitFor(
      'model A events',
      () => guardianEvents(client, guardianWorkflowId(a)),
      (r) => r.length >= 5,
    );
    const receivedB = await waitFor(
      'model B events',
      () => guardianEvents(client, guardianWorkflowId(b)),
      (r) => r.length >= 2,
    );
    const receivedC = await waitFor(
      'model C events',
      () => guardianEvents(client, guardianWorkflowId(c)),
      (r) => r.length >= 1,
    );

    expect(receivedA.map((r) => r.eventId).sort()).toEqual(
      [...driftsA, overloadA, healthA].map((e) => e.event_id).sort(),
    );
    // One model's events on one topic arrive in the order they were produced.
    expect(receivedA.filter((r) => r.eventType === 'data_drift_detected').map((r) => r.eventId)).toEqual(
      driftsA.map((e) => e.event_id),
    );
    expect(receivedB.map((r) => r.eventType).sort()).toEqual([
      'data_drift_detected',
      'model_performance_degraded',
    ]);
    expect(receivedC).toEqual([
      expect.objectContaining({ eventId: unknownC.event_id, eventType: 'gpu_memory_pressure' }),
    ]);
    // A new guardian starts with the configured policy settings (workflows never read the environment).
    expect(await client.workflow.getHandle(guardianWorkflowId(a)).query(startInputQuery)).toEqual({
      modelName: a,
      settings: expect.objectContaining({
        timeZone: world.t.config.runtime.timeZone,
        businessHours: expect.objectContaining({ startHour: world.t.config.guardian.businessHoursStart }),
        dryRun: world.t.config.guardian.dryRun,
      }),
      idleMinutes: world.t.config.guardian.idleMinutes,
    });

    const uploadJob = client.workflow.getHandle(videoWorkflowId(upload.video_id));
    const requestJob = client.workflow.getHandle(videoWorkflowId(`cams/${request.object_key}`));
    expect(
      await waitFor(
        'upload job',
        () => uploadJob.query(videoInputQuery),
        () => true,
      ),
    ).toEqual(
      expect.objectContaining({
        videoKey: upload.video_id,
        videoId: upload.video_id,
        eventId: upload.event_id,
        bucket: 'uploads',
      }),
    );
    expect(
      await waitFor(
        'request job',
        () => requestJob.query(videoInputQuery),
        () => true,
      ),
    ).toEqual(
      expect.objectContaining({
        videoKey: `cams/${request.object_key}`,
        objectKey: request.object_key,
        eventId: request.event_id,
      }),
    );
    expect((await uploadJob.describe()).memo).toEqual({ eventId: upload.event_id });

    const m = world.running.bridge.metrics;
    expect(m.delivered.get({ workflow: 'guardian', outcome: 'signalled' })).toBe(8);
    expect(m.delivered.get({ workflow: 'video', outcome: 'started' })).toBe(2);
    expect(
      m.deadLettered.get({ reason: 'unroutable' }) + m.deadLettered.get({ reason: 'schema_violation' }),
    ).toBe(0);
  }, 180_000);

  it('dead-letters malformed, invalid, unroutable and oversized messages with the reason, and processes the good ones around them', async () => {
    const model = uniqueName('model-d');
    const good = [1, 2, 3].map(() => driftEvent(model));
    const invalid = driftEvent(model, { drift_score: 7 });
    // Neither model_name nor a model_version of the form name@version names the model.
    const noModel = { ...driftEvent(model), model_name: undefined, model_version: '3' };
    const oversized = driftEvent(model, {
      affected_features: Array.from({ length: 400 }, (_, i) => `feature_${i}`),
    });
    const malformed = '{"event_id": "x", "model_name": ';
    const bad = [
      { value: malformed, reason: 'malformed_json', headers: { 'trace-id': 'trace-123' } },
      { value: JSON.stringify(invalid), reason: 'schema_violation' },
      { value: JSON.stringify(noModel), reason: 'unroutable' },
      { value: JSON.stringify(oversized), reason: 'oversized' },
    ];
    expect(Buffer.byteLength(bad[3].value)).toBeGreaterThan(MAX_BYTES);

    // All on one key, hence one partition: the bad ones sit between the good ones.
    await produce(world.t.producer, world.t.topics.drift, [
      { key: model, value: JSON.stringify(good[0]) },
      { key: model, value: bad[0].value, headers: bad[0].headers },
      { key: model, value: bad[1].value },
      { key: model, value: JSON.stringify(good[1]) },
      { key: model, value: bad[2].value },
      { key: model, value: bad[3].value },
      { key: model, value: JSON.stringify(good[2]) },
    ]);
    // A video event that names no video cannot be routed either.
    const videoWithoutRef = { ...videoEvent('x'), video_id: undefined, object_key: undefined };
    await produce(world.t.producer, world.t.topics.video, [
      { key: 'no-video', value: JSON.stringify(videoWithoutRef) },
    ]);

    const received = await waitFor(
      'good events',
      () => guardianEvents(world.t.temporal.client, guardianWorkflowId(model)),
      (r) => r.length >= 3,
    );
    expect(received.map((r) => r.eventId)).toEqual(good.map((e) => e.event_id));

    const isOurs = (l: KafkaMessage) =>
      l.key?.toString() === model || header(l, DLQ_HEADERS.topic) === world.t.topics.video;
    const letters = (
      await readTopic(world.t.kafka, world.t.topics.deadLetter, (ls) => ls.filter(isOurs).length >= 5)
    ).filter(isOurs);
    // Bad messages are dead-lettered concurrently (each is its own key): compare in offset order.
    const fromDrift = letters
      .filter((l) => header(l, DLQ_HEADERS.topic) === world.t.topics.drift)
      .sort((x, y) => Number(header(x, DLQ_HEADERS.offset)) - Number(header(y, DLQ_HEADERS.offset)));
    expect(fromDrift.map((l) => header(l, DLQ_HEADERS.reasonCode))).toEqual(bad.map((b) => b.reason));
    fromDrift.forEach((letter, i) => {
      // The original bytes, untouched, and where they came from.
      expect(letter.value!.toString()).toBe(bad[i].value);
      expect(letter.key!.toString()).toBe(model);
      expect(header(letter, DLQ_HEADERS.partition)).toMatch(/^\d+$/);
      expect(header(letter, DLQ_HEADERS.offset)).toMatch(/^\d+$/);
      expect(header(letter, DLQ_HEADERS.reason)!.length).toBeGreaterThan(10);
    });
    expect(header(fromDrift[0], 'trace-id')).toBe('trace-123');
    expect(header(fromDrift[1], DLQ_HEADERS.reason)).toContain('drift_score');
    expect(header(fromDrift[1], DLQ_HEADERS.eventId)).toBe(invalid.event_id);
    expect(header(fromDrift[2], DLQ_HEADERS.reason)).toContain('model_name');
    expect(header(fromDrift[3], DLQ_HEADERS.reason)).toContain(`limit of ${MAX_BYTES}`);
    // The bad messages share the good ones' partition; their offsets sit between the good ones'.
    expect(new Set(fromDrift.map((l) => header(l, DLQ_HEADERS.offset))).size).toBe(4);
    expect(new Set(fromDrift.map((l) => header(l, DLQ_HEADERS.partition))).size).toBe(1);

    const videoLetter = letters.find((l) => header(l, DLQ_HEADERS.topic) === world.t.topics.video)!;
    expect(header(videoLetter, DLQ_HEADERS.reasonCode)).toBe('unroutable');
    expect(header(videoLetter, DLQ_HEADERS.reason)).toContain('video_id or object_key');

    const m = world.running.bridge.metrics;
    expect(m.deadLettered.get({ reason: 'malformed_json' })).toBe(1);
    expect(m.deadLettered.get({ reason: 'schema_violation' })).toBe(1);
    expect(m.deadLettered.get({ reason: 'unroutable' })).toBe(2);
    expect(m.deadLettered.get({ reason: 'oversized' })).toBe(1);
  }, 180_000);

  it('accepts events and Alertmanager webhooks over HTTP, validated like Kafka messages, and serves /healthz and /metrics', async () => {
    const base = `http://127.0.0.1:${world.running.bridge.http!.port}`;
    const post = (path: string, body: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const model = uniqueName('model-http');
    const event = driftEvent(model);
    const accepted = await post('/events', JSON.stringify(event));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({
      status: 'accepted',
      event_id: event.event_id,
      workflow_id: guardianWorkflowId(model),
      outcome: 'signalled',
    });
    // Accepted means Temporal has it: the signal is in the guardian's history (once the guardian's
    // first workflow task, which may have been running when it arrived, completed).
    const signalled = await waitFor(
      'the signal in the guardian history',
      async () =>
        (
          await world.t.temporal.client.workflow.getHandle(guardianWorkflowId(model)).fetchHistory()
        ).events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'modelEvent'),
      (events) => events.length > 0,
    );
    expect(signalled).toHaveLength(1);
    await waitFor(
      'HTTP event at the guardian',
      () => guardianEvents(world.t.temporal.client, guardianWorkflowId(model)),
      (r) => r.length === 1,
    );

    const malformed = await post('/events', '{nope');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual(expect.objectContaining({ error: 'malformed_json' }));
    const invalid = await post('/events', JSON.stringify(driftEvent(model, { drift_score: 'high' })));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual(
      expect.objectContaining({ error: 'schema_violation', detail: expect.stringContaining('drift_score') }),
    );
    const tooBig = await post(
      '/events',
      JSON.stringify(driftEvent(model, { padding: 'x'.repeat(MAX_BYTES) })),
    );
    expect(tooBig.status).toBe(413);

    const alertModel = uniqueName('model-alert');
    // Unique services per run: the global stack's Temporal keeps guardians of earlier runs.
    const services = { api: uniqueName('api'), node: uniqueName('node'), db: uniqueName('db') };
    const referenceRules = referenceAlerts.map((a) => ({
      ...a,
      labels: {
        ...a.labels,
        ...('job' in a.labels
          ? { job: services.api }
          : 'service' in a.labels
            ? { service: services.db }
            : { instance: `${services.node}:9100` }),
      },
      fingerprint: `${a.fingerprint}-${alertModel}`,
    }));
    const webhook = {
      version: '4',
      status: 'firing',
      receiver: 'mlops-guardian',
      groupKey: '{}:{alertname="SystemOverload"}',
      alerts: [
        {
          status: 'firing',
          labels: {
            alertname: 'SystemOverload',
            model_name: alertModel,
            severity: 'critical',
            service: 'serving-1',
          },
          annotations: { summary: 'CPU above 95% for 10 minutes' },
          startsAt: '2026-01-05T10:00:00.123456789Z',
          fingerprint: `fp-${alertModel}`,
        },
        // The reference's own rules name a job, an instance or a service, never a model.
        ...referenceRules,
        {
          status: 'firing',
          labels: { alertname: 'Watchdog' },
          annotations: {},
          startsAt: '2026-01-05T10:00:00Z',
          fingerprint: `fp-watchdog-${alertModel}`,
        },
        {
          status: 'resolved',
          labels: { alertname: 'SystemOverload', model_name: alertModel },
          startsAt: '2026-01-05T09:00:00Z',
        },
      ],
    };
    const first = await post('/alertmanager', JSON.stringify(webhook));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      status: 'accepted',
      accepted: 4,
      duplicates: 0,
      dead_lettered: 1,
      resolved_ignored: 1,
    });
    // Alertmanager repeats notifications: the same alert is the same event, delivered once.
    expect((await post('/alertmanager', JSON.stringify(webhook))).status).toBe(200);

    const alertEvents = await waitFor(
      'alert at the guardian',
      () => guardianEvents(world.t.temporal.client, guardianWorkflowId(alertModel)),
      (r) => r.length >= 1,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await guardianEvents(world.t.temporal.client, guardianWorkflowId(alertModel))).toEqual([
      expect.objectContaining({ eventType: 'system_overload', severity: 'CRITICAL', source: 'alertmanager' }),
    ]);
    expect(alertEvents).toHaveLength(1);
    const fromHttp = (l: KafkaMessage) => header(l, DLQ_HEADERS.source) === 'http /alertmanager';
    const letters = await readTopic(world.t.kafka, world.t.topics.deadLetter, (ls) => ls.some(fromHttp));
    const unroutable = letters.find(fromHttp);
    expect(unroutable && header(unroutable, DLQ_HEADERS.reasonCode)).toBe('unroutable');
    expect(JSON.parse(unroutable!.value!.toString()).labels.alertname).toBe('Watchdog');
    for (const [subject, eventType, summary] of [
      [services.api, 'high_error_rate', 'High error rate detected'],
      [`${services.node}:9100`, 'high_memory_usage', 'High memory usage'],
      [services.db, 'database_connections_high', 'Too many database connections'],
    ]) {
      const received = await waitFor(
        `${eventType} at the guardian of ${subject}`,
        () => guardianEvents(world.t.temporal.client, guardianWorkflowId(`service:${subject}`)),
        (r) => r.length >= 1,
      );
      expect(received).toEqual([
        expect.objectContaining({
          eventType,
          source: 'alertmanager',
          modelName: `service:${subject}`,
          summary,
        }),
      ]);
    }

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual(expect.objectContaining({ status: 'ok' }));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('# TYPE bridge_signal_latency_seconds histogram');
    expect(metrics).toMatch(/bridge_events_delivered_total\{outcome="signalled",workflow="guardian"\} \d+/);
    expect(metrics).toMatch(/bridge_consumer_lag\{partition="\d",topic="[^"]+"\} 0/);
    expect(metrics).toContain('bridge_http_requests_total{path="/events",status="400"} 2');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  }, 180_000);
});
