import {
  PolicySimulation,
  resolveGuardianSettings,
  toLocalDateTime,
  type SimulatedDecision,
} from '../../../src/domain/policy';
import { deterministicUuid } from '../../../src/backends/deterministic-id';
import { ingestSettings } from '../../helpers/ingest';

/** A small seeded generator: the same 400 events on every run, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONES = ['Asia/Seoul', 'America/New_York', 'Europe/Berlin', 'UTC'];
const TYPES = [
  'data_drift_detected',
  'model_performance_degraded',
  'system_overload',
  'prediction_latency_high',
  'service_health_check_failed',
];
const HOUR_MS = 3_600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The naive wall time Python's datetime.now().isoformat() would print for an instant in a zone. */
function naiveWallTime(ms: number, zone: string): string {
  const t = toLocalDateTime(ms, zone);
  const micros = ms % 1000 ? `.${pad(ms % 1000, 3)}000` : '';
  return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${micros}`;
}

/** A strict event and its loose twin: same facts, written as the reference producer writes them. */
function twins(random: () => number, i: number, zone: string) {
  const type = TYPES[Math.floor(random() * TYPES.length)];
  const model = `model-${Math.floor(random() * 3)}`;
  // Whole seconds or milliseconds across a year that holds both DST changes.
  const ms = Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400) * 1000 + (random() < 0.5 ? 0 : 123);
  const id = `evt-${i}`;
  const severity =
    random() < 0.3 ? undefined : ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][Math.floor(random() * 4)];
  const strict: Record<string, unknown> = {
    event_id: id,
    event_type: type,
    timestamp: new Date(ms).toISOString(),
    source: 'mlops_system',
    model_name: model,
    model_version: `${model}@v${i % 5}`,
    ...(severity ? { severity } : {}),
  };
  const loose: Record<string, unknown> = { ...strict, timestamp: naiveWallTime(ms, zone) };
  delete loose.model_name; // the model comes from model_version name@version
  if (type === 'data_drift_detected') {
    const score = Math.floor(random() * 1000) / 1000;
    const features = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].slice(0, Math.floor(random() * 8));
    Object.assign(strict, { drift_score: score, affected_features: features });
    if (score !== 0) loose.drift_score = score;
    if (features.length) loose.affected_features = features;
  }
  if (type === 'model_performance_degraded') {
    const baseline = 0.5 + Math.floor(random() * 400) / 1000;
    const current = baseline - Math.floor(random() * 300) / 1000;
    const drop = Math.round((baseline - current) * 1e9) / 1e9;
    Object.assign(strict, {
      performance_drop: drop,
      current_performance: current,
      baseline_performance: baseline,
    });
    Object.assign(loose, { current_performance: current, baseline_performance: baseline }); // drop derived
  }
  return { strict, loose, ms };
}

const outcome = (d: SimulatedDecision) => ({
  severity: d.severity,
  action: d.action,
  outcome: d.outcome,
  cooldown_until: d.cooldown_until,
  scheduled_for: d.scheduled_for,
  model: d.model_name,
});

describe('a strict event and its loose twin decide the same', () => {
  it.each(ZONES)('400 events with naive timestamps in %s', (zone) => {
    const random = prng(zone.length * 7919);
    const events = Array.from({ length: 400 }, (_, i) => twins(random, i, zone))
      // A wall time that happens twice names its first occurrence only (fold=0): the second
      // occurrence has no naive spelling, so it has no twin.
      .filter(({ ms }) => naiveWallTime(ms - HOUR_MS, zone) !== naiveWallTime(ms, zone))
      .sort((a, b) => a.ms - b.ms);
    const settings = resolveGuardianSettings({ timeZone: zone });
    const input = {
      ingest: ingestSettings(zone),
      idOf: (text: string) => deterministicUuid('event-body', text),
    };
    const strictSim = new PolicySimulation(settings, input);
    const looseSim = new PolicySimulation(settings, input);
    let compared = 0;
    for (const [n, { strict, loose }] of events.entries()) {
      const a = strictSim.feedLine(JSON.stringify(strict), n + 1);
      const b = looseSim.feedLine(JSON.stringify(loose), n + 1);
      if (a.kind !== 'decision' || b.kind !== 'decision')
        throw new Error(`line ${n + 1}: ${JSON.stringify([a, b])}`);
      if (Date.parse(b.decision.timestamp) !== Date.parse(a.decision.timestamp)) {
        throw new Error(`line ${n + 1}: ${a.decision.timestamp} read as ${b.decision.timestamp}`);
      }
      expect(outcome(b.decision)).toEqual(outcome(a.decision));
      expect(b.decision.reason.endsWith(a.decision.reason)).toBe(true);
      expect(b.decision.reason).toContain('taken from model_version');
      compared++;
    }
    expect(compared).toBeGreaterThan(390);
  });
});
