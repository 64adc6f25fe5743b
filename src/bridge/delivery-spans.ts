import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { EventTraceCarriers, TraceCarrier } from '../contracts/event-traces';
import { GUARDIAN_EVENT_SIGNAL, GUARDIAN_EVENTS_SIGNAL, VIDEO_WORKFLOW_TYPE } from '../contracts/workflows';
import type { Delivery } from './event-routing';
import type { EventOrigin } from './event-origin';
import type { DeliveryResult } from './temporal-delivery';

/** W3C trace context only, whatever OTEL_PROPAGATORS says: it is what producers put on messages. */
const w3c = new W3CTraceContextPropagator();

export interface TracedEvent {
  delivery: Delivery;
  origin: EventOrigin;
}

/** The producer's context from a message's (or request's) `traceparent`; none → a new trace. */
function incomingContext(carrier: TraceCarrier | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, carrier, {
    get: (c, key) => c[key as keyof TraceCarrier],
    keys: (c) => Object.keys(c),
  });
}

function eventAttributes({ delivery, origin }: TracedEvent, traceArrived: boolean): Attributes {
  const attributes: Attributes = {
    'mlops.event_id': delivery.event.event_id,
    'mlops.event_type': delivery.event.event_type,
    'mlops.workflow_id': delivery.workflowId,
    'mlops.trace_created': !traceArrived,
  };
  if (delivery.workflow === 'guardian') attributes['mlops.model_name'] = delivery.modelName;
  else attributes['mlops.video_key'] = delivery.input.videoKey;
  if (origin.source === 'kafka') {
    Object.assign(attributes, {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': origin.topic,
      'messaging.destination.partition.id': String(origin.partition),
      'messaging.kafka.offset': Number(origin.offset),
    });
  } else {
    Object.assign(attributes, { 'http.request.method': 'POST', 'url.path': origin.path });
  }
  return attributes;
}

/** The event's own span in the bridge: from when the bridge read it to when Temporal took it. */
function startEventSpan(tracer: Tracer, event: TracedEvent): Span {
  const { origin } = event;
  const parent = incomingContext(origin.trace);
  const traceArrived = trace.getSpanContext(parent) !== undefined;
  const kafka = origin.source === 'kafka';
  return tracer.startSpan(
    kafka ? `process ${origin.topic}` : `POST ${origin.path}`,
    {
      kind: kafka ? SpanKind.CONSUMER : SpanKind.SERVER,
      startTime: origin.receivedAtMs,
      attributes: eventAttributes(event, traceArrived),
    },
    parent,
  );
}

/** `signal modelEvent`, `signal modelEvents` or `start videoAnalysisWorkflow`: what the call does. */
function callName(events: TracedEvent[]): string {
  if (events[0].delivery.workflow === 'video') return `start ${VIDEO_WORKFLOW_TYPE}`;
  return `signal ${events.length === 1 ? GUARDIAN_EVENT_SIGNAL : GUARDIAN_EVENTS_SIGNAL}`;
}

function fail(span: Span, err: unknown) {
  span.recordException(err as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
}

/**
 * One Temporal call that carries `events`, traced per event: each event gets its span (a child of
 * the producer's `traceparent`, or the root of a new trace) and under it a span of the call, so
 * each event's trace shows the signal even when several share it. `call` gets each event's call
 * span context (event id → carrier) for the signal's header and runs inside the first event's
 * call span, where the SDK's client interceptor (a video job's start) picks it up.
 */
export async function traceDelivery(
  tracer: Tracer,
  events: TracedEvent[],
  call: (carriers: EventTraceCarriers) => Promise<DeliveryResult>,
): Promise<DeliveryResult> {
  const name = callName(events);
  const eventSpans = events.map((event) => startEventSpan(tracer, event));
  const callSpans = eventSpans.map((span) =>
    tracer.startSpan(
      name,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'mlops.workflow_id': events[0].delivery.workflowId,
          'mlops.signal_events': events.length,
        },
      },
      trace.setSpan(ROOT_CONTEXT, span),
    ),
  );
  const carriers: EventTraceCarriers = {};
  callSpans.forEach((span, i) => {
    const carrier: Partial<TraceCarrier> = {};
    w3c.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, {
      set: (c, key, value) => (c[key as keyof TraceCarrier] = value),
    });
    if (carrier.traceparent) carriers[events[i].delivery.event.event_id] = carrier as TraceCarrier;
  });
  const all = [...callSpans, ...eventSpans];
  try {
    const result = await context.with(trace.setSpan(context.active(), callSpans[0]), () => call(carriers));
    for (const span of eventSpans) span.setAttribute('mlops.delivery_outcome', result.outcome);
    return result;
  } catch (err) {
    for (const span of all) fail(span, err);
    throw err;
  } finally {
    for (const span of all) span.end();
  }
}

/** A message's or request's W3C headers (lower-case names), if it carried a `traceparent`. */
export function traceCarrierOf(headers: Record<string, unknown>): TraceCarrier | undefined {
  const traceparent = headerValue(headers.traceparent);
  if (!traceparent) return undefined;
  const tracestate = headerValue(headers.tracestate);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** Kafka gives a Buffer (or several, for a repeated header), HTTP a string: the first, as text. */
function headerValue(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (Buffer.isBuffer(first)) return first.toString('utf8');
  return undefined;
}
