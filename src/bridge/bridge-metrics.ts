import { MetricsRegistry } from '../metrics/prometheus-registry';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Every metric the bridge exposes on /metrics, in one registry. */
export function createBridgeMetrics(registry = new MetricsRegistry()) {
  return {
    registry,
    consumed: registry.counter('bridge_messages_consumed_total', 'Kafka messages read, by topic.'),
    httpEvents: registry.counter('bridge_http_events_total', 'Events received over HTTP, by endpoint.'),
    delivered: registry.counter(
      'bridge_events_delivered_total',
      'Events Temporal accepted, by workflow (guardian|video) and outcome (signalled|started|duplicate).',
    ),
    duplicates: registry.counter(
      'bridge_duplicates_total',
      'Deliveries that started nothing because the job already exists (same upload delivered again), by workflow.',
    ),
    batchedSignals: registry.counter(
      'bridge_batched_signals_total',
      'Signals that carried several events of one model (they queued while its previous signal was in flight).',
    ),
    batchedEvents: registry.counter(
      'bridge_batched_events_total',
      'Events delivered in those batched signals.',
    ),
    deadLettered: registry.counter(
      'bridge_dead_letters_total',
      'Messages sent to the dead-letter topic (or rejected over HTTP), by reason.',
    ),
    deliveryFailures: registry.counter(
      'bridge_delivery_failures_total',
      'Transient failures (Temporal or Kafka unavailable) that paused a partition, by stage.',
    ),
    signalLatency: registry.histogram(
      'bridge_signal_latency_seconds',
      'Duration of one delivery to Temporal (signal, or start) until Temporal accepted it, by workflow.',
      LATENCY_BUCKETS,
    ),
    eventLatency: registry.histogram(
      'bridge_event_latency_seconds',
      'From the Kafka message timestamp to Temporal accepting the event, by workflow.',
      LATENCY_BUCKETS,
    ),
    consumerLag: registry.gauge(
      'bridge_consumer_lag',
      'Messages in a partition not yet processed (high watermark minus next offset), by topic and partition.',
    ),
    pausedPartitions: registry.gauge(
      'bridge_paused_partitions',
      'Partitions paused while a delivery is retried.',
    ),
    consumerCrashes: registry.counter(
      'bridge_consumer_crashes_total',
      'Kafka consumer crashes, by whether it was restarted.',
    ),
    httpRequests: registry.counter('bridge_http_requests_total', 'HTTP requests, by path and status code.'),
    alarmsSent: registry.counter(
      'bridge_alarms_sent_total',
      'Alarms the bridge raised (duplicate jobs) that a channel accepted, by channel.',
    ),
    alarmFailures: registry.counter(
      'bridge_alarm_delivery_failures_total',
      'Attempts to deliver a bridge alarm to a channel that failed, by channel.',
    ),
    alarmsSuppressed: registry.counter(
      'bridge_alarms_suppressed_total',
      'Bridge alarms recorded but not sent, by reason (silenced, inhibited).',
    ),
    alarmsUndelivered: registry.counter(
      'bridge_alarms_undelivered_total',
      'Bridge alarms a channel was given up on (recorded in alarm_deliveries), by channel.',
    ),
  };
}

/** The bridge's alarm counters, as the alert sender reports deliveries. */
export function bridgeAlarmObserver(metrics: BridgeMetrics) {
  return {
    alarmSent: (_source: string, channel: string) => metrics.alarmsSent.inc({ channel }),
    alarmFailed: (_source: string, channel: string) => metrics.alarmFailures.inc({ channel }),
    alarmUndelivered: (_source: string, channel: string) => metrics.alarmsUndelivered.inc({ channel }),
    alarmSuppressed: (_source: string, reason: string) => metrics.alarmsSuppressed.inc({ reason }),
  };
}

export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;
