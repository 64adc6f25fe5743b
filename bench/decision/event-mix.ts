import { randomUUID } from 'node:crypto';

/** Which input topic an event goes to (its type decides, as in production). */
export type InputTopic = 'drift' | 'degradation' | 'system-metrics' | 'system-health';

/**
 * The n-th event of the `index`-th model, from a realistic mix: mostly low-severity drift, latency
 * and health events (MONITOR/ALERT, then skipped by their cooldowns), and 1 in 50 each a HIGH drift
 * (RETRAIN) or a HIGH degradation (ROLLBACK), which run once per model until their cooldowns end.
 * Models are staggered, so their actions spread over time instead of all arriving together.
 */
export function mixedEvent(
  model: string,
  index: number,
  n: number,
): { topic: InputTopic; event: Record<string, unknown> } {
  const base = {
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    source: 'bench',
    model_name: model,
  };
  const slot = (n + index) % 50;
  if (slot === 7)
    return {
      topic: 'drift',
      event: {
        ...base,
        event_type: 'data_drift_detected',
        severity: 'HIGH',
        drift_score: 0.7,
        affected_features: ['f1'],
      },
    };
  if (slot === 31)
    return {
      topic: 'degradation',
      event: {
        ...base,
        event_type: 'model_performance_degraded',
        severity: 'HIGH',
        current_performance: 0.78,
        baseline_performance: 0.9,
        performance_drop: 0.12,
      },
    };
  if (slot % 10 === 3)
    return {
      topic: 'system-metrics',
      event: {
        ...base,
        event_type: 'prediction_latency_high',
        severity: 'LOW',
        service_name: `${model}-svc`,
        metrics: { p99_ms: 400 },
      },
    };
  if (slot % 10 === 5)
    return {
      topic: 'system-health',
      event: {
        ...base,
        event_type: 'service_health_check_failed',
        severity: 'LOW',
        service_name: `${model}-svc`,
      },
    };
  return {
    topic: 'drift',
    event: {
      ...base,
      event_type: 'data_drift_detected',
      severity: 'LOW',
      drift_score: (n % 40) / 100,
      affected_features: ['f1', 'f2'],
    },
  };
}
