import { randomUUID } from 'node:crypto';
import {
  type DegradationEvent,
  type DriftEvent,
  type ModelEvent,
  parseModelEvent,
} from '../../../src/domain/events';

/** Builds events through the real schema, so tests only ever use events the bridge would accept. */
function valid<T extends ModelEvent>(raw: Record<string, unknown>): T {
  const parsed = parseModelEvent(raw);
  if (!parsed.ok) throw new Error(`test event is invalid: ${parsed.reason}`);
  return parsed.event as T;
}

interface Common {
  model?: string;
  at?: string;
  severity?: string;
  eventId?: string;
}

function envelope(type: string, c: Common): Record<string, unknown> {
  return {
    event_id: c.eventId ?? randomUUID(),
    event_type: type,
    timestamp: c.at ?? '2024-05-06T10:00:00Z',
    source: 'test',
    model_name: c.model ?? 'fraud-detector',
    ...(c.severity !== undefined ? { severity: c.severity } : {}),
  };
}

export function driftEvent(
  c: Common & { score?: number; features?: number; version?: string } = {},
): DriftEvent {
  return valid<DriftEvent>({
    ...envelope('data_drift_detected', c),
    model_version: c.version ?? 'fraud-detector@3',
    drift_score: c.score ?? 0.3,
    affected_features: Array.from({ length: c.features ?? 1 }, (_, i) => `feature_${i}`),
  });
}

export function degradationEvent(
  c: Common & { drop?: number; actionRequired?: string } = {},
): DegradationEvent {
  const drop = c.drop ?? 0.05;
  return valid<DegradationEvent>({
    ...envelope('model_performance_degraded', c),
    current_performance: 0.9 - drop,
    baseline_performance: 0.9,
    performance_drop: drop,
    ...(c.actionRequired !== undefined ? { action_required: c.actionRequired } : {}),
  });
}

export function systemEvent(type: string, c: Common & { service?: string } = {}): ModelEvent {
  return valid<ModelEvent>({ ...envelope(type, c), service_name: c.service ?? 'fraud-api' });
}

/** An event of `type` whose severity alone decides (no context that could raise it). */
export function eventOfType(type: string, severity: string, c: Common = {}): ModelEvent {
  if (type === 'data_drift_detected') return driftEvent({ ...c, severity, score: 0.1, features: 1 });
  if (type === 'model_performance_degraded') return degradationEvent({ ...c, severity, drop: 0.01 });
  return systemEvent(type, { ...c, severity });
}
