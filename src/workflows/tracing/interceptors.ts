import { context, trace } from '@opentelemetry/api';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { defaultPayloadConverter, type Headers, type WorkflowInterceptors } from '@temporalio/workflow';
import { rememberEventTraces } from './event-traces';

/** A header of the SDK's OpenTelemetry interceptors that holds a real trace context. */
function carriesTrace(headers: Headers): boolean {
  const payload = headers[TRACE_HEADER];
  if (payload === undefined) return false;
  try {
    const carrier = defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload);
    return typeof carrier?.traceparent === 'string';
  } catch {
    return false;
  }
}

/** Inside a span: something traced (an event's decision, a traced run) is going on. */
function inSpan(): boolean {
  return trace.getSpan(context.active()) !== undefined;
}

/**
 * The workflow side of tracing, in every workflow bundle: the SDK's OpenTelemetry interceptors,
 * but only for what arrived traced — a run started, or a signal sent, with a trace context in its
 * header, and whatever such a span starts (activities, child workflows, signals). Everything
 * else runs as it did without tracing: no span, no random ids drawn, no extra await. What is
 * traced therefore follows from the history alone, never from a worker's settings, so a run
 * replays the same wherever OTEL_* is set or not; the worker only decides where spans go.
 * A guardian also keeps each event's own trace context from the signal (see event-traces.ts).
 */
export const interceptors = (): WorkflowInterceptors => {
  // Made on first use: their tracer provider and context manager cost nothing to untraced runs.
  let otel:
    | {
        inbound: OpenTelemetryInboundInterceptor;
        outbound: OpenTelemetryOutboundInterceptor;
        internals: OpenTelemetryInternalsInterceptor;
      }
    | undefined;
  const traced = () =>
    (otel ??= {
      inbound: new OpenTelemetryInboundInterceptor(),
      outbound: new OpenTelemetryOutboundInterceptor(),
      internals: new OpenTelemetryInternalsInterceptor(),
    });
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
