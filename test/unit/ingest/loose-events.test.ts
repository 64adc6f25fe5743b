import { readEvent } from '../../../src/domain/ingest/read-event';
import { incoming, ingestSettings } from '../../helpers/ingest';

const SETTINGS = ingestSettings('Asia/Seoul');
const at = '2026-03-02T10:15:00+09:00';

function read(body: Record<string, unknown>) {
  return readEvent(incoming(body), SETTINGS);
}

function accepted(body: Record<string, unknown>) {
  const r = read(body);
  if (!r.ok || r.family !== 'model') throw new Error(r.ok ? 'not a model event' : r.detail);
  return r.event as Record<string, unknown>;
}

describe('loose events as the reference reads them', () => {
  it('reads missing drift numbers as 0 and no features, and says so', () => {
    const e = accepted({ event_type: 'data_drift_detected', model_name: 'm', event_id: 'a', timestamp: at });
    expect(e).toEqual(expect.objectContaining({ drift_score: 0, affected_features: [] }));
    expect(e.assumptions).toEqual([
      expect.stringContaining('no drift_score: read as 0'),
      expect.stringContaining('no affected_features: read as no features'),
    ]);
  });

  it('derives performance_drop from baseline and current, else reads it as 0', () => {
    const derived = accepted({
      event_type: 'model_performance_degraded',
      model_name: 'm',
      event_id: 'a',
      timestamp: at,
      current_performance: 0.78,
      baseline_performance: 0.91,
    });
    expect(derived.performance_drop).toBe(0.13);
    expect(derived.assumptions).toEqual([expect.stringContaining('derived as baseline_performance 0.91')]);
    const none = accepted({
      event_type: 'model_performance_degraded',
      model_name: 'm',
      event_id: 'b',
      timestamp: at,
    });
    expect(none.performance_drop).toBe(0);
  });

  it('takes any non-empty event_id, and derives a stable one when there is none', () => {
    expect(accepted({ event_type: 'x', model_name: 'm', event_id: '01J9ZQ4T', timestamp: at }).event_id).toBe(
      '01J9ZQ4T',
    );
    expect(accepted({ event_type: 'x', model_name: 'm', event_id: 42, timestamp: at }).event_id).toBe('42');
    const body = { event_type: 'x', model_name: 'm', timestamp: at };
    const first = accepted(body);
    expect(first.event_id).toBe(accepted({ ...body }).event_id);
    expect(first.assumptions).toEqual([expect.stringContaining('no event_id: ')]);
  });

  it('keeps unknown fields for the audit, bounded', () => {
    const e = accepted({
      event_type: 'x',
      model_name: 'm',
      event_id: 'a',
      timestamp: at,
      latency_ms: 1850,
      region: 'kr',
    });
    expect(e.extras).toEqual({ latency_ms: 1850, region: 'kr' });
    const big = accepted({
      event_type: 'x',
      model_name: 'm',
      event_id: 'a',
      timestamp: at,
      blob: 'x'.repeat(20_000),
    });
    expect(big.extras).toEqual({ omitted: expect.stringContaining('over 8192'), keys: ['blob'] });
  });

  it('gives a service-only system event its own subject, never a model of the same name', () => {
    const e = accepted({ event_type: 'system_overload', service_name: 'api', event_id: 'a', timestamp: at });
    expect(e.model_name).toBe('service:api');
    expect(
      read({ event_type: 'system_overload', model_name: 'service:api', event_id: 'a', timestamp: at }),
    ).toEqual(
      expect.objectContaining({
        ok: false,
        reason: 'schema_violation',
        detail: expect.stringContaining("starting with 'service:'"),
      }),
    );
  });

  it.each([
    [
      'a string score',
      { event_type: 'data_drift_detected', model_name: 'm', drift_score: '0.7' },
      'schema_violation',
      'drift_score',
    ],
    [
      'a score out of range',
      { event_type: 'data_drift_detected', model_name: 'm', drift_score: 1.2 },
      'schema_violation',
      'drift_score',
    ],
    ['an empty event_id', { event_type: 'x', model_name: 'm', event_id: '' }, 'schema_violation', 'event_id'],
    [
      'a drift event naming only a service',
      { event_type: 'data_drift_detected', service_name: 'api' },
      'unroutable',
      'nothing to route by',
    ],
    [
      'nothing to route by',
      { event_type: 'system_overload', severity: 'HIGH' },
      'unroutable',
      'names neither a model',
    ],
    ['no event type', { model_name: 'm' }, 'schema_violation', 'event_type: missing'],
    [
      'a naive timestamp on an impossible day',
      { event_type: 'x', model_name: 'm', timestamp: '2026-02-30T10:00:00' },
      'schema_violation',
      'timestamp',
    ],
  ])('still rejects %s', (_what, body, reason, part) => {
    const r = read({ event_id: 'e1', timestamp: at, ...body });
    expect(r).toEqual(expect.objectContaining({ ok: false, reason, detail: expect.stringContaining(part) }));
  });
});

describe('the reader never throws', () => {
  /** Seeded, so a failure can be replayed. */
  function prng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const ODD_VALUES: unknown[] = [
    null,
    true,
    0,
    -1,
    1e300,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    '@',
    'name@',
    '@ver',
    'service:x',
    '2026-02-30T10:00:00',
    '1970-01-01T00:00:00',
    'NaN',
    '\u0000',
    '\ud800',
    'x'.repeat(5000),
    [],
    [1, 'a'],
    {},
    { nested: { deeper: [null] } },
  ];
  const KEYS = [
    'event_id',
    'event_type',
    'timestamp',
    'model_name',
    'model_version',
    'service_name',
    'drift_score',
    'affected_features',
    'performance_drop',
    'current_performance',
    'baseline_performance',
    'severity',
    'specversion',
    'data',
    'data_base64',
    'subject',
    'type',
    'id',
    'time',
    'metrics',
    'meta',
    'tests',
  ];

  it('answers 5,000 mangled events with an event or a specific reason', () => {
    const random = prng(42);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    for (let i = 0; i < 5_000; i++) {
      const body: Record<string, unknown> = {
        event_type: pick(['data_drift_detected', 'model_performance_degraded', 'system_overload', 'x']),
        model_name: 'm',
        event_id: `e${i}`,
        timestamp: at,
      };
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) body[pick(KEYS)] = pick(ODD_VALUES);
      const headers =
        random() < 0.2 ? { ce_specversion: String(pick(ODD_VALUES)), ce_type: 'a.b' } : undefined;
      const r = readEvent(incoming(body, { headers }), SETTINGS);
      if (!r.ok) expect(r.detail.length).toBeGreaterThan(5);
    }
  });
});

describe('hostile names', () => {
  it.each([
    [
      'a NUL in the model name',
      { model_name: 'fraud\u0000x' },
      'model_name contains a control character (U+0000',
    ],
    ['a newline in the model name', { model_name: 'fraud\nx' }, 'control character'],
    ['an unpaired surrogate', { model_name: 'fraud\ud800' }, 'unpaired surrogate'],
    ['a right-to-left override', { model_name: 'fraud\u202Egpj.exe' }, 'bidirectional-text control'],
    [
      'a control character in a feature',
      { event_type: 'data_drift_detected', affected_features: ['ok', 'b\u0007'] },
      'affected_features[1]',
    ],
  ])('rejects %s with the field and why', (_what, fields, part) => {
    const r = read({
      event_type: 'system_overload',
      model_name: 'm',
      event_id: 'e',
      timestamp: at,
      ...fields,
    });
    expect(r).toEqual(
      expect.objectContaining({
        ok: false,
        reason: 'schema_violation',
        detail: expect.stringContaining(part),
      }),
    );
  });

  it('accepts every valid Unicode name, and keeps two names apart', () => {
    const names = ['不正検知モデル', '추천-모델', 'модель', '🚀-ranker', 'café', 'cafe\u0301'];
    const subjects = names.map(
      (model_name) => accepted({ event_type: 'x', model_name, event_id: 'e', timestamp: at }).model_name,
    );
    expect(subjects).toEqual(names);
    expect(new Set(subjects).size).toBe(names.length);
  });
});
