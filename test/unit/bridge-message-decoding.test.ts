import { randomUUID } from 'node:crypto';
import { classifyMessage, decodeJson } from '../../src/bridge/message-decoding';
import { routeEvent } from '../../src/bridge/event-routing';
import { inputTopicFamilies } from '../../src/bridge/input-topics';
import { loadConfig } from '../../src/config';
import { incoming, ingestSettings, kafkaMessage } from '../helpers/ingest';

const families = inputTopicFamilies(loadConfig({}).kafka);
const MAX = 2048;
const INGEST = ingestSettings();

function drift(extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    event_type: 'data_drift_detected',
    timestamp: '2026-03-01T10:00:00+01:00',
    source: 'unit',
    model_name: 'fraud',
    drift_score: 0.7,
    affected_features: ['a'],
    ...extra,
  };
}

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('classifyMessage: size → JSON → route by topic → validate', () => {
  it.each([
    ['an empty message', 'data.drift.detected', Buffer.alloc(0), 'malformed_json', 'no value'],
    ['a tombstone', 'data.drift.detected', null, 'malformed_json', 'no value'],
    [
      'invalid UTF-8',
      'data.drift.detected',
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      'malformed_json',
      'UTF-8',
    ],
    [
      'text that is not JSON',
      'data.drift.detected',
      bytes('model=fraud drift=0.7'),
      'malformed_json',
      'not JSON',
    ],
    [
      'truncated JSON',
      'system.metrics',
      bytes('{"event_id": "a", "model_name":'),
      'malformed_json',
      'not JSON',
    ],
    ['a JSON array', 'data.drift.detected', bytes([drift()]), 'schema_violation', 'got an array'],
    ['a JSON number', 'data.drift.detected', bytes('42'), 'schema_violation', 'got a number'],
    [
      'a drift score out of range',
      'data.drift.detected',
      bytes(drift({ drift_score: 1.5 })),
      'schema_violation',
      'drift_score',
    ],
    [
      'a timestamp that is not a date-time',
      'data.drift.detected',
      bytes(drift({ timestamp: 'yesterday' })),
      'schema_violation',
      'timestamp',
    ],
    [
      'an event id that is an object',
      'system.health',
      bytes({ ...drift(), event_type: 'x', event_id: { id: 42 } }),
      'schema_violation',
      'event_id',
    ],
    [
      'a model event without model_name',
      'system.metrics',
      bytes({ ...drift(), model_name: undefined }),
      'unroutable',
      'model_name',
    ],
    [
      'a model event with an empty model_name',
      'system.metrics',
      bytes({ ...drift(), model_name: '' }),
      'unroutable',
      'model_name',
    ],
    [
      'a video event without video_id or object_key',
      'video.uploaded',
      bytes({ event_id: randomUUID(), event_type: 'video_uploaded', timestamp: '2026-03-01T10:00:00Z' }),
      'unroutable',
      'video_id or object_key',
    ],
    [
      'a video event of an unknown type',
      'video.uploaded',
      bytes({
        event_id: randomUUID(),
        event_type: 'video_deleted',
        timestamp: '2026-03-01T10:00:00Z',
        video_id: 'v1',
      }),
      'schema_violation',
      'event_type',
    ],
    [
      'a message on a topic the bridge does not read',
      'some.other.topic',
      bytes(drift()),
      'unroutable',
      'not an input topic',
    ],
  ])('rejects %s', (_what, topic, value, reason, detailPart) => {
    const result = classifyMessage(kafkaMessage(topic, value), families, MAX, INGEST);
    expect(result).toEqual(expect.objectContaining({ ok: false, reason }));
    if (!result.ok) expect(result.detail).toContain(detailPart);
  });

  it('rejects a message over the limit by size alone, before reading it', () => {
    const big = Buffer.alloc(MAX + 1, 0x7b); // "{{{{…": would also be malformed, but size comes first
    expect(classifyMessage(kafkaMessage('data.drift.detected', big), families, MAX, INGEST)).toEqual(
      expect.objectContaining({
        ok: false,
        reason: 'oversized',
        detail: expect.stringContaining(`${MAX + 1} bytes`),
      }),
    );
    expect(decodeJson(Buffer.alloc(MAX, 0x20), MAX)).toEqual(
      expect.objectContaining({ reason: 'malformed_json' }),
    );
  });

  it('keeps the event id of an invalid event for the log line and the dead letter', () => {
    const event = drift({ drift_score: 'high' });
    expect(classifyMessage(kafkaMessage('data.drift.detected', bytes(event)), families, MAX, INGEST)).toEqual(
      expect.objectContaining({ ok: false, eventId: event.event_id }),
    );
  });

  it('routes model events to the guardian of their model, whatever the model/system topic', () => {
    for (const topic of [
      'data.drift.detected',
      'model.performance.degraded',
      'system.metrics',
      'system.health',
    ]) {
      const event =
        topic === 'data.drift.detected'
          ? drift()
          : {
              event_id: randomUUID(),
              event_type: 'system_overload',
              timestamp: '2026-03-01T10:00:00Z',
              model_name: 'fraud',
            };
      const result = classifyMessage(kafkaMessage(topic, bytes(event)), families, MAX, INGEST);
      expect(result).toEqual({
        ok: true,
        delivery: expect.objectContaining({
          workflow: 'guardian',
          workflowId: 'model-guardian:fraud',
          modelName: 'fraud',
        }),
      });
    }
  });

  it('accepts an unknown event type that names a model (README "Kafka bridge": it gets the ALERT row)', () => {
    const event = {
      event_id: randomUUID(),
      event_type: 'gpu_on_fire',
      timestamp: '2026-03-01T10:00:00Z',
      model_name: 'fraud',
      severity: 'whatever',
    };
    const result = classifyMessage(kafkaMessage('system.metrics', bytes(event)), families, MAX, INGEST);
    expect(result.ok && result.delivery.event.event_type).toBe('gpu_on_fire');
  });

  it('routes uploads to the video job of the video id, else of bucket/object key', () => {
    const base = { event_id: randomUUID(), event_type: 'video_uploaded', timestamp: '2026-03-01T10:00:00Z' };
    const byId = classifyMessage(
      kafkaMessage('video.uploaded', bytes({ ...base, video_id: 'v-1', object_key: 'k' })),
      families,
      MAX,
      INGEST,
    );
    const byKey = classifyMessage(
      kafkaMessage(
        'video.analysis.requested',
        bytes({
          ...base,
          event_type: 'video_analysis_requested',
          bucket: 'b',
          object_key: 'cams/1.mp4',
          reanalyze: true,
        }),
      ),
      families,
      MAX,
      INGEST,
    );
    expect(byId.ok && byId.delivery.workflowId).toBe('video-analysis:v-1');
    expect(byKey.ok && byKey.delivery).toEqual(
      expect.objectContaining({
        workflow: 'video',
        workflowId: 'video-analysis:b/cams/1.mp4',
        input: {
          videoKey: 'b/cams/1.mp4',
          objectKey: 'cams/1.mp4',
          bucket: 'b',
          eventId: base.event_id,
          reanalyze: true,
          videoId: undefined,
        },
      }),
    );
  });
});

describe('routeEvent without a topic (the HTTP way in)', () => {
  it('infers the family from the content', () => {
    expect(routeEvent(incoming(drift()), INGEST)).toEqual(
      expect.objectContaining({ ok: true, delivery: expect.objectContaining({ workflow: 'guardian' }) }),
    );
    const upload = {
      event_id: randomUUID(),
      event_type: 'video_uploaded',
      timestamp: '2026-03-01T10:00:00Z',
      video_id: 'v',
    };
    expect(routeEvent(incoming(upload), INGEST)).toEqual(
      expect.objectContaining({ ok: true, delivery: expect.objectContaining({ workflow: 'video' }) }),
    );
    expect(
      routeEvent(
        incoming({ event_id: randomUUID(), event_type: 'x', timestamp: '2026-03-01T10:00:00Z' }),
        INGEST,
      ),
    ).toEqual(expect.objectContaining({ ok: false, reason: 'unroutable' }));
  });
});
