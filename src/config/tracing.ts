import { z } from 'zod';
import { booleanFlag, httpUrl, parseSettings, setting, SettingsValues } from './setting';

/**
 * OpenTelemetry tracing, read from the standard `OTEL_*` variables so a collector's usual
 * deployment recipe works unchanged. The OTLP exporter reads the endpoint, headers, timeout and
 * compression itself; they are parsed here so a wrong value stops the start with a clear error.
 */
export const tracingSettings = {
  sdkDisabled: setting({
    env: 'OTEL_SDK_DISABLED',
    schema: booleanFlag.default(false),
    description: 'true turns tracing off whatever else is set.',
    expects: 'true or false',
    defaultText: 'false',
  }),
  tracesExporter: setting({
    env: 'OTEL_TRACES_EXPORTER',
    schema: z.enum(['otlp', 'none']).optional(),
    description:
      'otlp exports spans over OTLP (http/protobuf); none exports nothing. Unset: otlp when an OTLP endpoint is set, otherwise tracing is off.',
    expects: 'otlp or none',
  }),
  otlpEndpoint: setting({
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    schema: httpUrl.optional(),
    description:
      'Base URL of the OTLP/HTTP receiver (a collector), e.g. http://127.0.0.1:4318; spans are posted to its path /v1/traces. Setting it turns tracing on. Unset with OTEL_TRACES_EXPORTER=otlp: http://localhost:4318.',
    expects: 'an http(s) URL',
  }),
  otlpTracesEndpoint: setting({
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    schema: httpUrl.optional(),
    description:
      'Full URL spans are posted to (path included), instead of OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces. Setting it turns tracing on.',
    expects: 'an http(s) URL',
  }),
  otlpProtocol: setting({
    env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    schema: z.literal('http/protobuf').optional(),
    description: 'OTLP transport; only http/protobuf is built in (a collector accepts it on port 4318).',
    expects: 'http/protobuf',
    defaultText: 'http/protobuf',
  }),
  otlpHeaders: setting({
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    schema: z
      .string()
      .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/)
      .optional(),
    description:
      'Headers sent with every export, e.g. an API key of a tracing vendor (authorization=Bearer …). Never logged.',
    expects: 'comma-separated name=value pairs',
    secret: true,
  }),
  serviceName: setting({
    env: 'OTEL_SERVICE_NAME',
    schema: z.string().min(1).default('mlops-guardian'),
    description:
      'service.name of every span this process exports; give the bridge and each worker role their own to tell them apart. OTEL_RESOURCE_ATTRIBUTES adds further resource attributes.',
    expects: 'a service name',
    defaultText: 'mlops-guardian',
  }),
};

export type TracingSettings = SettingsValues<typeof tracingSettings>;

/** Whether this process exports spans at all; off, it creates none of its own. */
export interface TracingConfig extends TracingSettings {
  enabled: boolean;
}

export function parseTracingConfig(env: NodeJS.ProcessEnv) {
  const parsed = parseSettings(tracingSettings, env);
  const v = parsed.values;
  const endpointSet = v.otlpEndpoint !== undefined || v.otlpTracesEndpoint !== undefined;
  const enabled =
    !v.sdkDisabled && (v.tracesExporter === 'otlp' || (v.tracesExporter === undefined && endpointSet));
  return { values: { ...v, enabled } as TracingConfig, errors: parsed.errors };
}
