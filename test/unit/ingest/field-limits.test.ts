import { clipText } from '../../../src/domain/clip-text';
import {
  MAX_METRICS_JSON_CHARS,
  MAX_MODEL_EVENT_BYTES,
  parseModelEvent,
  parseVideoEvent,
  TEXT_LIMITS,
} from '../../../src/domain/events';
import { readEvent } from '../../../src/domain/ingest/read-event';
import { jsonBytes, utf8Length } from '../../../src/domain/json-bytes';
import { evaluateEvent, DEFAULT_GUARDIAN_SETTINGS, emptyPolicyState } from '../../../src/domain/policy';
import { incoming, ingestSettings } from '../../helpers/ingest';

const at = '2026-03-02T10:15:00+09:00';
const read = (body: Record<string, unknown>) => readEvent(incoming(body), ingestSettings('Asia/Seoul'));
const base = { event_type: 'system_overload', model_name: 'm', event_id: 'e', timestamp: at };

describe('length limits on every text field of an event', () => {
  const modelFields = [
    'event_id',
    'event_type',
    'source',
    'severity',
    'model_name',
    'model_version',
    'service_name',
  ] as const;

  it.each(modelFields)(
    'dead-letters an over-long %s as field_too_long, naming the field and the limit',
    (field) => {
      const max = TEXT_LIMITS[field];
      const r = read({ ...base, service_name: 'svc', [field]: 'x'.repeat(max + 1) });
      expect(r).toEqual({
        ok: false,
        reason: 'field_too_long',
        detail: `${field} is ${max + 1} characters long, over the limit of ${max}`,
        ...(field === 'event_id' ? {} : { eventId: 'e' }),
      });
    },
  );

  it.each(modelFields)('accepts %s at exactly its limit', (field) => {
    const value = field === 'model_name' ? 'm'.repeat(TEXT_LIMITS[field]) : 'x'.repeat(TEXT_LIMITS[field]);
    const r = read({ ...base, service_name: 'svc', [field]: value });
    expect(r.ok).toBe(true);
  });

  it.each([
    ['video_id', { video_id: 'v'.repeat(TEXT_LIMITS.video_id + 1) }],
    ['object_key', { object_key: 'k'.repeat(TEXT_LIMITS.object_key + 1) }],
    ['bucket', { video_id: 'v', bucket: 'b'.repeat(TEXT_LIMITS.bucket + 1) }],
  ])('dead-letters a video event with an over-long %s', (field, fields) => {
    const r = read({ event_type: 'video_uploaded', event_id: 'e', timestamp: at, ...fields });
    expect(r).toMatchObject({
      ok: false,
      reason: 'field_too_long',
      detail: expect.stringMatching(`^${field} is`),
    });
  });

  it('dead-letters an over-long feature name and too many features', () => {
    const drift = { ...base, event_type: 'data_drift_detected', drift_score: 0.5 };
    expect(read({ ...drift, affected_features: ['ok', 'f'.repeat(201)] })).toMatchObject({
      reason: 'field_too_long',
      detail: 'affected_features[1] is 201 characters long, over the limit of 200',
    });
    expect(
      read({ ...drift, affected_features: Array.from({ length: 1001 }, (_, i) => `f${i}`) }),
    ).toMatchObject({
      reason: 'field_too_long',
      detail: 'affected_features lists 1001 features, over the limit of 1000',
    });
  });

  it('dead-letters a metrics object over its JSON limit', () => {
    const r = read({ ...base, metrics: { log: 'x'.repeat(MAX_METRICS_JSON_CHARS) } });
    expect(r).toMatchObject({
      ok: false,
      reason: 'field_too_long',
      detail: expect.stringContaining(`over the limit of ${MAX_METRICS_JSON_CHARS}`),
    });
  });

  it('dead-letters an event whose fields are each in bounds but together too large, as oversized', () => {
    const features = Array.from({ length: 1000 }, (_, i) => `${i}`.padEnd(150, 'f'));
    const r = read({
      ...base,
      event_type: 'data_drift_detected',
      drift_score: 0.5,
      affected_features: features,
    });
    expect(r).toMatchObject({
      ok: false,
      reason: 'oversized',
      detail: expect.stringContaining(`over the limit of ${MAX_MODEL_EVENT_BYTES} a guardian accepts`),
      eventId: 'e',
    });
  });

  it('the schemas a guardian re-checks with enforce the same limits (signals that bypass ingest)', () => {
    const long = (field: keyof typeof TEXT_LIMITS) => 'x'.repeat(TEXT_LIMITS[field] + 1);
    for (const field of ['event_type', 'source', 'severity', 'model_version', 'service_name'] as const) {
      const r = parseModelEvent({ ...base, [field]: long(field) });
      expect(r).toEqual({
        ok: false,
        reason: `${field}: longer than the limit of ${TEXT_LIMITS[field]} characters`,
      });
    }
    const drift = parseModelEvent({
      ...base,
      event_type: 'data_drift_detected',
      drift_score: 0,
      affected_features: [long('feature')],
    });
    expect(drift).toMatchObject({
      ok: false,
      reason: expect.stringContaining('affected_features.0: longer than'),
    });
    const metrics = parseModelEvent({ ...base, metrics: { x: 'y'.repeat(MAX_METRICS_JSON_CHARS) } });
    expect(metrics).toMatchObject({ ok: false, reason: expect.stringContaining('metrics: more than') });
    const video = parseVideoEvent({
      event_type: 'video_uploaded',
      event_id: 'e',
      timestamp: at,
      video_id: 'v',
      bucket: long('bucket'),
    });
    expect(video).toMatchObject({ ok: false, reason: expect.stringContaining('bucket: longer than') });
  });
});

describe('reasons that quote a value clip it', () => {
  it('clips to the limit, says how long the value was, and never splits a surrogate pair', () => {
    expect(clipText('short')).toBe('short');
    expect(clipText('a'.repeat(100), 10)).toBe('aaaaaaaaaa… (100 characters)');
    const emoji = 'a'.repeat(9) + '🚀'.repeat(5);
    expect(clipText(emoji, 10)).toBe(`${'a'.repeat(9)}… (19 characters)`);
  });

  it('an unknown severity label is quoted clipped in the decision reason', () => {
    // Reaches the policy only through a path without the ingest limits (a direct signal is re-checked,
    // so this is the policy's own guard): the reason must stay small whatever the label.
    const event = { ...base, severity: 'Q'.repeat(32), source: 's', timestamp: '2026-03-02T01:15:00Z' };
    const parsed = parseModelEvent(event);
    if (!parsed.ok) throw new Error(parsed.reason);
    const { evaluation } = evaluateEvent(
      { policy: emptyPolicyState(), seenEventIds: [] },
      { ...parsed.event, severity: 'Q'.repeat(5000) },
      Date.parse('2026-03-02T01:15:00Z'),
      DEFAULT_GUARDIAN_SETTINGS,
    );
    if (evaluation.duplicate) throw new Error('duplicate');
    expect(evaluation.decision.reason).toContain('… (5000 characters)');
    expect(evaluation.decision.reason.length).toBeLessThan(1000);
  });
});

describe('UTF-8 size of JSON, as Temporal stores it', () => {
  it('counts bytes as Buffer does, surrogate pairs and lone surrogates included', () => {
    for (const s of ['plain', 'café', '不正検知', '🚀🚀', 'a\ud800b', '\udc00', '"quoted"\n']) {
      expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
      expect(jsonBytes({ s })).toBe(Buffer.byteLength(JSON.stringify({ s }), 'utf8'));
    }
    expect(jsonBytes(undefined)).toBe(0);
  });
});
