import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { installTracing, type Tracing } from '../../src/clients/tracing';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { WORKFLOWS_PATH } from '../helpers/guardian-workflow';
import { workflowBundle } from '../helpers/workflow-bundle';
import { BridgeTestEnv, createBridgeTestEnv, systemEvent, waitFor } from '../helpers/bridge-harness';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(120_000);

/**
 * Tracing on the real stack: the real bridge and worker in this process, exporting into memory,
 * events produced onto real Kafka topics (and posted to the HTTP way in) with or without a W3C
 * `traceparent`; one event is followed through its spans to the activity that acted on it.
 */
describe('tracing: Kafka message → bridge → guardian decision → activity', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;
  let tracing: Tracing;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    t = await createBridgeTestEnv();
    tracing = installTracing(t.config.tracing, { spanProcessor: new SimpleSpanProcessor(exporter) });
    product = await startProductOnStack(t, tracing);
  });

  afterAll(async () => {
    await product?.close();
    await tracing?.shutdown();
    await new Promise((r) => setTimeout(r, 3_000));
    await t?.close();
  });

  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  const spansOf = (traceId: string) =>
    exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const named = (spans: ReadableSpan[], name: string, eventId?: string) =>
    spans.filter(
      (s) => s.name === name && (eventId === undefined || s.attributes['mlops.event_id'] === eventId),
    );

  /** The span's ancestors inside its trace, nearest first, by name. */
  function ancestry(span: ReadableSpan, spans: ReadableSpan[]): string[] {
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const names: string[] = [];
    for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? ''))
      names.push(parent.name);
    return names;
  }

  /**
   * Waits until the trace holds the activity that carried out the event's action, and the
   * workflow's span of scheduling it (the worker exports that one once the activity completed).
   */
  const traceWithActivity = (traceId: string, activity: string) =>
    waitFor(
      `${activity} in trace ${traceId}`,
      async () => spansOf(traceId),
      (spans) =>
        named(spans, `RunActivity:${activity}`).length > 0 &&
        named(spans, `StartActivity:${activity}`).length > 0,
    );

  /** The root of the event's spans in this process: the bridge's span of its message. */
  function bridgeSpan(spans: ReadableSpan[], eventId: string): ReadableSpan {
    const [span] = spans.filter(
      (s) =>
        s.attributes['mlops.event_id'] === eventId && s.name.startsWith(`process ${t.topics.systemMetrics}`),
    );
    expect(span).toBeDefined();
    return span;
  }

  it("continues the producer's traceparent from the Kafka message to the activity that acted", async () => {
    const model = uniqueName('traced');
    const event = systemEvent(model, 'system_overload', { severity: 'HIGH' });
    const traceId = hex(16);
    const producerSpanId = hex(8);
    await t.producer.send({
      topic: t.topics.systemMetrics,
      messages: [
        {
          key: model,
          value: JSON.stringify(event),
          headers: { traceparent: `00-${traceId}-${producerSpanId}-01`, tracestate: 'vendor=opaque' },
        },
      ],
    });

    const spans = await traceWithActivity(traceId, 'scaleService');
    const bridge = bridgeSpan(spans, event.event_id);
    expect(bridge.parentSpanId).toBe(producerSpanId);
    expect(bridge.spanContext().traceState?.get('vendor')).toBe('opaque');
    expect(bridge.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': t.topics.systemMetrics,
      'mlops.model_name': model,
      'mlops.trace_created': false,
      'mlops.delivery_outcome': 'signalled',
    });

    const [decision] = named(spans, 'Decide:modelGuardianWorkflow', event.event_id);
    expect(decision.attributes).toMatchObject({ 'mlops.action': 'SCALE_UP', 'mlops.severity': 'HIGH' });
    expect(ancestry(decision, spans)).toEqual([
      expect.stringMatching(/^signal modelEvents?$/),
      `process ${t.topics.systemMetrics}`,
    ]);

    const [acted] = named(spans, 'RunActivity:scaleService');
    expect(ancestry(acted, spans)).toEqual([
      'StartActivity:scaleService',
      'Decide:modelGuardianWorkflow',
      expect.stringMatching(/^signal modelEvents?$/),
      `process ${t.topics.systemMetrics}`,
    ]);
    expect(acted.attributes.temporalWorkflowId).toBe(`model-guardian:${model}`);
    // The decision's audit row is written in the same trace.
    await waitFor(
      'the audit write in the trace',
      async () => named(spansOf(traceId), 'RunActivity:recordDecisions'),
      (found) => found.length > 0,
    );
  });

  it('starts a trace for a message without traceparent and carries it to the activity', async () => {
    const model = uniqueName('untraced');
    const event = systemEvent(model, 'system_overload', { severity: 'HIGH' });
    await t.producer.send({
      topic: t.topics.systemMetrics,
      messages: [{ key: model, value: JSON.stringify(event) }],
    });

    const created = await waitFor(
      "the bridge's span of the message",
      async () =>
        exporter.getFinishedSpans().filter((s) => s.attributes['mlops.event_id'] === event.event_id),
      (spans) => spans.some((s) => s.name === `process ${t.topics.systemMetrics}`),
    );
    const root = bridgeSpan(created, event.event_id);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes['mlops.trace_created']).toBe(true);

    const spans = await traceWithActivity(root.spanContext().traceId, 'scaleService');
    expect(ancestry(named(spans, 'RunActivity:scaleService')[0], spans).at(-1)).toBe(
      `process ${t.topics.systemMetrics}`,
    );
  });

  it('keeps each event in its own trace when several of one model travel in one signal', async () => {
    const model = uniqueName('batched');
    const events = ['system_overload', 'prediction_latency_high', 'service_health_check_failed'].map((type) =>
      systemEvent(model, type, { severity: 'LOW' }),
    );
    const traceIds = events.map(() => hex(16));
    await t.producer.send({
      topic: t.topics.systemMetrics,
      messages: events.map((event, i) => ({
        key: model,
        value: JSON.stringify(event),
        headers: { traceparent: `00-${traceIds[i]}-${hex(8)}-01` },
      })),
    });

    for (const [i, event] of events.entries()) {
      const spans = await waitFor(
        `the decision of event ${i + 1} in its own trace`,
        async () => spansOf(traceIds[i]),
        (found) => named(found, 'Decide:modelGuardianWorkflow', event.event_id).length === 1,
      );
      // Nothing of the other events leaks into this trace.
      const otherIds: string[] = events.filter((e) => e !== event).map((e) => e.event_id);
      expect(spans.filter((s) => otherIds.includes(s.attributes['mlops.event_id'] as string))).toEqual([]);
      const [decision] = named(spans, 'Decide:modelGuardianWorkflow', event.event_id);
      expect(ancestry(decision, spans)[0]).toBe('signal modelEvents');
      // Sent in one produce request, the three arrive in one fetch and go in one signal: each
      // event's trace has its own span of that one call.
      const [signal] = named(spans, 'signal modelEvents');
      expect(signal.attributes['mlops.signal_events']).toBe(events.length);
    }
    // The failed health check (LOW → ALERT) is acted on by sendAlert, in that event's trace.
    await traceWithActivity(traceIds[2], 'sendAlert');
  });

  it("continues an HTTP request's traceparent", async () => {
    const model = uniqueName('http-traced');
    const event = systemEvent(model, 'system_overload', { severity: 'HIGH' });
    const traceId = hex(16);
    const parentId = hex(8);
    const { host, port } = product.bridge.bridge.http!;
    const response = await fetch(`http://${host}:${port}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parentId}-01` },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(202);

    const spans = await traceWithActivity(traceId, 'scaleService');
    const [request] = named(spans, 'POST /events', event.event_id);
    expect(request.parentSpanId).toBe(parentId);
    expect(ancestry(named(spans, 'RunActivity:scaleService')[0], spans).at(-1)).toBe('POST /events');
  });

  it('replays the traced guardians: their spans follow from the history alone', async () => {
    const models = exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'Decide:modelGuardianWorkflow')
      .map((s) => s.attributes['mlops.model_name'] as string);
    expect(models.length).toBeGreaterThanOrEqual(4);
    const bundle = await workflowBundle(WORKFLOWS_PATH);
    for (const model of new Set(models)) {
      const workflowId = guardianWorkflowId(model);
      const history = await t.temporal.client.workflow.getHandle(workflowId).fetchHistory();
      await Worker.runReplayHistory(
        { workflowBundle: bundle, replayName: 'traced-guardian' },
        history,
        workflowId,
      );
    }
  });
});
