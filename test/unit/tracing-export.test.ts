import { trace } from '@opentelemetry/api';
import { installTracing } from '../../src/clients/tracing';
import { parseTracingConfig } from '../../src/config/tracing';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { SDK_TRACE_HEADER } from '../../src/workflows/tracing/interceptors';
import { FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server';

/** The OTEL_* settings, and spans leaving the process over OTLP/HTTP to a collector we stand in for. */
describe('tracing configuration', () => {
  it.each([
    ['nothing set', false, {}],
    ['an OTLP endpoint', true, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }],
    ['a traces endpoint', true, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }],
    ['the otlp exporter, default endpoint', true, { OTEL_TRACES_EXPORTER: 'otlp' }],
    [
      'exporter none beside an endpoint',
      false,
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
    ],
    ['the SDK disabled', false, { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
  ])('%s → tracing on: %s', (_what, enabled, env) => {
    const parsed = parseTracingConfig(env);
    expect(parsed.errors).toEqual([]);
    expect(parsed.values.enabled).toBe(enabled);
  });

  it('refuses what it cannot do, naming the variable, and never echoes the headers', () => {
    const parsed = parseTracingConfig({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'not a header list with secret-value',
    });
    expect(parsed.errors).toEqual([
      'OTEL_TRACES_EXPORTER="zipkin" is invalid: expected otlp or none',
      'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is invalid: expected an http(s) URL',
      'OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is invalid: expected http/protobuf',
      'OTEL_EXPORTER_OTLP_HEADERS is invalid: expected comma-separated name=value pairs',
    ]);
  });
});

it("workflow code looks for the trace in the header the SDK's interceptors write", () => {
  // Spelt out there so that untraced runs never load the OpenTelemetry modules.
  expect(SDK_TRACE_HEADER).toBe(TRACE_HEADER);
});

describe('tracing export', () => {
  let collector: FakeHttpServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    collector = await startFakeHttpServer(() => ({ status: 200, body: '' }));
  });
  afterAll(async () => {
    process.env = saved;
    await collector?.close();
  });

  it('without configuration installs nothing: spans are not even recorded', async () => {
    const tracing = installTracing(parseTracingConfig({}).values);
    expect(tracing.enabled).toBe(false);
    const span = trace.getTracer('any').startSpan('not-recorded');
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.shutdown();
    expect(collector.requests).toEqual([]);
  });

  it('posts spans as OTLP/HTTP protobuf with the configured headers, flushed on shutdown', async () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'guardian-under-test',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer collector-token-1234',
    };
    // The exporter reads its endpoint and headers from the environment itself, as it documents.
    Object.assign(process.env, env);
    const tracing = installTracing(parseTracingConfig(env).values);
    expect(tracing.enabled).toBe(true);
    tracing.tracer.startSpan('span-to-export').end();
    await tracing.shutdown();

    expect(collector.requests).toHaveLength(1);
    const [request] = collector.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/traces' });
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(request.headers.authorization).toBe('Bearer collector-token-1234');
    expect(request.rawBody).toContain('span-to-export');
    expect(request.rawBody).toContain('guardian-under-test');
  });
});
