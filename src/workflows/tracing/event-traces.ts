import type * as OtelApi from '@opentelemetry/api';
import type * as OtelCore from '@opentelemetry/core';
import { defaultPayloadConverter, type Headers } from '@temporalio/workflow';
import { EVENT_TRACES_HEADER, readEventTraceCarriers, type TraceCarrier } from '../../contracts/event-traces';

/** Events signalled but not yet decided whose trace is remembered; older ones are forgotten first. */
const MAX_REMEMBERED = 2_000;

/**
 * Event id → the trace context its signal carried. Module state of workflow code belongs to one
 * workflow run (the SDK isolates it per run), and is rebuilt from the signals' headers on replay.
 */
const carriers = new Map<string, TraceCarrier>();

/** Keeps the per-event trace contexts of a signal's header; true when it had any. */
export function rememberEventTraces(headers: Headers): boolean {
  const payload = headers[EVENT_TRACES_HEADER];
  if (payload === undefined) return false;
  let value: unknown;
  try {
    value = defaultPayloadConverter.fromPayload(payload);
  } catch {
    return false;
  }
  const found = Object.entries(readEventTraceCarriers(value));
  for (const [eventId, carrier] of found) {
    carriers.delete(eventId);
    carriers.set(eventId, carrier);
  }
  for (const oldest of carriers.keys()) {
    if (carriers.size <= MAX_REMEMBERED) break;
    carriers.delete(oldest);
  }
  return found.length > 0;
}

/**
 * Runs `fn` inside a span that continues the trace the event arrived with, so the activities and
 * child workflows it starts (now or when their turn comes) join that trace. An event that came
 * without one runs as it is. The span and its ids exist only when the history holds the trace
 * context, so replay makes the same ones.
 */
export function inEventTrace<T>(
  eventId: string,
  spanName: string,
  attributes: OtelApi.Attributes,
  fn: (span?: OtelApi.Span) => T,
): T {
  const carrier = carriers.get(eventId);
  if (carrier === undefined) return fn();
  carriers.delete(eventId);
  traced = true;
  // Loaded only here: an untraced run never evaluates them (see interceptors.ts).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ROOT_CONTEXT, trace } = require('@opentelemetry/api') as typeof OtelApi;
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof OtelCore;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const parent = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, {
    get: (c, key) => c[key as keyof TraceCarrier],
    keys: (c) => Object.keys(c),
  });
  return trace.getTracer('mlops-guardian').startActiveSpan(spanName, { attributes }, parent, (span) => {
    try {
      return fn(span);
    } finally {
      span.end();
    }
  });
}

/** Set once a traced event has been decided in this run: OpenTelemetry is loaded from then on. */
let traced = false;

/**
 * The trace context active now (inside `inEventTrace`), to start later work in it; undefined in a
 * run that has decided no traced event, where OpenTelemetry is never loaded.
 */
export function activeTraceContext(): unknown {
  if (!traced) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { context } = require('@opentelemetry/api') as typeof OtelApi;
  return context.active();
}

/** Runs `fn` in a context from `activeTraceContext` (as it is without one). */
export function inTraceContext<T>(saved: unknown, fn: () => T): T {
  if (saved === undefined) return fn();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { context } = require('@opentelemetry/api') as typeof OtelApi;
  return context.with(saved as OtelApi.Context, fn);
}
