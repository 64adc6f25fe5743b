import { diag, DiagLogLevel, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from '../config/tracing';
import type { Logger } from '../logger';

/** The tracer's name on every span the product itself creates (the bridge's, the guardian's). */
export const TRACER_NAME = 'mlops-guardian';

/** The process's tracing: one provider, shared by the bridge and the worker of one process. */
export interface Tracing {
  /** False: nothing is traced or exported, and the bridge and worker add no tracing code at all. */
  enabled: boolean;
  tracer: Tracer;
  /** Where the spans of workflow code (handed out of the sandbox by a sink) go. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what is still buffered, then stops; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
}

/** Tracing switched off: no provider is registered, the global tracer stays a no-op. */
export const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: trace.getTracer(TRACER_NAME),
  spanProcessor: new NoopSpanProcessor(),
  resource: Resource.empty(),
  shutdown: async () => undefined,
};

/**
 * Registers the process-wide tracer provider when tracing is on (OTEL_* variables): spans are
 * batched and posted over OTLP/HTTP (protobuf) by the exporter, which reads the endpoint, headers
 * and timeout from the standard variables itself. Tests pass their own span processor (an
 * in-memory exporter) instead of the OTLP one.
 */
export function installTracing(
  config: TracingConfig,
  options: { spanProcessor?: SpanProcessor; logger?: Logger } = {},
): Tracing {
  if (!config.enabled && !options.spanProcessor) return TRACING_OFF;
  const { logger } = options;
  // A collector that cannot be reached is worth a warning (through the scrubbing logger), not silence.
  if (logger) {
    const warn = (message: string, ...args: unknown[]) =>
      logger.warn({ detail: args.map(String) }, `tracing: ${message}`);
    diag.setLogger(
      { error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  }
  const resource = envDetectorSync.detect().merge(new Resource({ 'service.name': config.serviceName }));
  const spanProcessor = options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Also the W3C trace-context propagator and the async-hooks context manager, process-wide.
  provider.register();
  return {
    enabled: true,
    tracer: provider.getTracer(TRACER_NAME),
    spanProcessor,
    resource: provider.resource,
    shutdown: () => provider.shutdown(),
  };
}
