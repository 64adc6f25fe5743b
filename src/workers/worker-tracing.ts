import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../clients/tracing';

/**
 * The workflow interceptor module every workflow bundle includes (bundleWorkflowCode's
 * `workflowInterceptorModules`), tracing on or off: it traces only runs and signals whose headers
 * carry a trace, so replay never depends on OTEL_* settings.
 */
export const WORKFLOW_TRACING_MODULE = require.resolve('../workflows/tracing/interceptors');

/**
 * What a worker needs for tracing. Always the `exporter` sink, through which workflow code hands
 * its spans out of the sandbox (dropped when this process's tracing is off: a traced signal may
 * reach a worker that exports nothing). With tracing on, an activity scheduled from a traced
 * workflow runs in a `RunActivity:<name>` span under its `StartActivity` span; an untraced one
 * makes no span, as in the workflow.
 */
export function workerTracingOptions(tracing: Tracing): Pick<WorkerOptions, 'sinks' | 'interceptors'> {
  return {
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
    interceptors: {
      activity: tracing.enabled
        ? [
            (ctx) => {
              const traced = new OpenTelemetryActivityInboundInterceptor(ctx);
              return {
                inbound: {
                  execute: (input, next) =>
                    input.headers[TRACE_HEADER] !== undefined ? traced.execute(input, next) : next(input),
                },
                outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
              };
            },
          ]
        : [],
    },
  };
}
