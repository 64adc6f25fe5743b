import type * as OtelApi from '@opentelemetry/api';
import type * as OtelWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { defaultPayloadConverter, type Headers, type WorkflowInterceptors } from '@temporalio/workflow';
import { rememberEventTraces } from './event-traces';

/** The header the SDK's OpenTelemetry interceptors keep a trace context in (their TRACE_HEADER). */
export const SDK_TRACE_HEADER = '_tracer-data';

/** A header of the SDK's OpenTelemetry interceptors that holds a real trace context. */
function carriesTrace(headers: Headers): boolean {
  const payload = headers[SDK_TRACE_HEADER];
  if (payload === undefined) return false;
  try {
    const carrier = defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload);
    return typeof carrier?.traceparent === 'string';
  } catch {
    return false;
  }
}

interface Traced {
  inbound: OtelWorkflow.OpenTelemetryInboundInterceptor;
  outbound: OtelWorkflow.OpenTelemetryOutboundInterceptor;
  internals: OtelWorkflow.OpenTelemetryInternalsInterceptor;
  api: typeof OtelApi;
}

/**
 * The OpenTelemetry modules, loaded on first use. Workflow code's modules are evaluated afresh for
 * every workflow run (the SDK isolates their state per run), so importing them up front would cost
 * every run, traced or not, their evaluation and memory.
 */
function loadTracing(): Traced {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily on purpose, see above */
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof OtelWorkflow;
  const api = require('@opentelemetry/api') as typeof OtelApi;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    inbound: new otel.OpenTelemetryInboundInterceptor(),
    outbound: new otel.OpenTelemetryOutboundInterceptor(),
    internals: new otel.OpenTelemetryInternalsInterceptor(),
    api,
  };
}

/**
 * The workflow side of tracing, in every workflow bundle: the SDK's OpenTelemetry interceptors,
 * but only for what arrived traced — a run started, or a signal sent, with a trace context in its
 * header, and whatever such a span starts (activities, child workflows, signals). Everything
 * else runs as it did without tracing: no span, no random ids drawn, no extra await, no
 * OpenTelemetry module loaded. What is traced therefore follows from the history alone, never
 * from a worker's settings, so a run replays the same wherever OTEL_* is set or not; the worker
 * only decides where spans go. A guardian also keeps each event's own trace context from the
 * signal (see event-traces.ts).
 */
export const interceptors = (): WorkflowInterceptors => {
  let otel: Traced | undefined;
  const traced = () => (otel ??= loadTracing());
  /** Inside a span: something traced (an event's decision, a traced run) is going on. */
  const inSpan = () => otel !== undefined && otel.api.trace.getSpan(otel.api.context.active()) !== undefined;
  return {
    inbound: [
      {
        execute: (input, next) =>
          carriesTrace(input.headers) ? traced().inbound.execute(input, next) : next(input),
        handleSignal: (input, next) => {
          // Registers the tracer before the guardian decides these events in their traces.
          if (rememberEventTraces(input.headers)) traced();
          return carriesTrace(input.headers) ? traced().inbound.handleSignal(input, next) : next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) =>
          inSpan() ? traced().outbound.scheduleActivity(input, next) : next(input),
        scheduleLocalActivity: (input, next) =>
          inSpan() ? traced().outbound.scheduleLocalActivity(input, next) : next(input),
        startChildWorkflowExecution: (input, next) =>
          inSpan() ? traced().outbound.startChildWorkflowExecution(input, next) : next(input),
        signalWorkflow: (input, next) =>
          inSpan() ? traced().outbound.signalWorkflow(input, next) : next(input),
        getLogAttributes: (input, next) =>
          inSpan() ? traced().outbound.getLogAttributes(input, next) : next(input),
      },
    ],
    internals: [
      {
        dispose: (input, next) => {
          // The SDK's one is async in name only: it disables its context manager, then calls next.
          if (otel) void otel.internals.dispose(input, next);
          else next(input);
        },
      },
    ],
  };
};
