/**
 * How one event's trace travels with the guardian signal that carries it. The bridge batches
 * several events of a model into one `modelEvents` signal, and a Temporal header holds one trace
 * context only; so each event's W3C trace context (its `traceparent`, and `tracestate` if any)
 * rides in this header, keyed by event id. The guardian decides each event inside its own trace.
 * A header, not a payload field: the events stay exactly as producers wrote them.
 */
export const EVENT_TRACES_HEADER = 'mlops-event-traces';

/** One event's W3C trace context, as the `traceparent` / `tracestate` headers spell it. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** Event id → the trace context the bridge gave it. */
export type EventTraceCarriers = Record<string, TraceCarrier>;

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The carriers of a decoded header; anything malformed is left out (a trace is never worth a failure). */
export function readEventTraceCarriers(value: unknown): EventTraceCarriers {
  const carriers: EventTraceCarriers = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return carriers;
  for (const [eventId, carrier] of Object.entries(value as Record<string, unknown>)) {
    const { traceparent, tracestate } = (carrier ?? {}) as Record<string, unknown>;
    if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) continue;
    carriers[eventId] = typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent };
  }
  return carriers;
}
