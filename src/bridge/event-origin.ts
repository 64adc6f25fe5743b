import type { TraceCarrier } from '../contracts/event-traces';

/** Where a message came from: for log lines, latency and the dead letter's headers. */
export interface EventOrigin {
  source: 'kafka' | 'http';
  topic?: string;
  partition?: number;
  offset?: string;
  path?: string;
  /** When the event was produced (Kafka message timestamp), for end-to-end latency. */
  producedAtMs?: number;
  /** When the bridge read it (fetched from Kafka, or received over HTTP). */
  receivedAtMs?: number;
  /** The W3C trace context the producer sent along (`traceparent` / `tracestate` headers). */
  trace?: TraceCarrier;
}
