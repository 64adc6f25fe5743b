import { classifyMessage } from '../../../src/bridge/message-decoding';
import { inputTopicFamilies } from '../../../src/bridge/input-topics';
import { loadConfig } from '../../../src/config';
import { readEvent } from '../../../src/domain/ingest/read-event';
import { incoming, ingestSettings, kafkaMessage } from '../../helpers/ingest';

const families = inputTopicFamilies(loadConfig({}).kafka);
const SETTINGS = ingestSettings('UTC', { 'com.acme.lag': 'prediction_latency_high' });

const structured = {
  specversion: '1.0',
  id: 'ce-1',
  source: '/monitoring/drift',
  type: 'com.acme.ml.DataDriftDetected',
  time: '2026-03-02T10:15:00Z',
  subject: 'fraud',
  datacontenttype: 'application/json',
  data: { drift_score: 0.7, affected_features: ['a', 'b'] },
};

describe('CloudEvents 1.0', () => {
  it('reads a structured event: id, time, type (suffix match), source and subject as the model', () => {
    const r = readEvent(incoming(structured), SETTINGS);
    expect(r).toEqual({
      ok: true,
      family: 'model',
      event: expect.objectContaining({
        event_id: 'ce-1',
        event_type: 'data_drift_detected',
        timestamp: '2026-03-02T10:15:00Z',
        source: '/monitoring/drift',
        model_name: 'fraud',
        drift_score: 0.7,
        assumptions: [
          expect.stringContaining('from CloudEvents type com.acme.ml.DataDriftDetected (suffix match'),
          expect.stringContaining('model_name fraud taken from the CloudEvents subject'),
        ],
      }),
    });
  });

  it('reads a binary-mode Kafka message: ce_* headers, the value is the data', () => {
    const value = Buffer.from(JSON.stringify({ model_name: 'churn', severity: 'HIGH', p99_ms: 2400 }));
    const headers = {
      ce_specversion: '1.0',
      ce_id: 'ce-2',
      ce_source: 'prometheus',
      ce_type: 'com.acme.lag',
      ce_time: '2026-03-02T11:00:00+01:00',
      'content-type': 'application/json',
    };
    const r = classifyMessage(kafkaMessage('system.metrics', value, { headers }), families, 4096, SETTINGS);
    expect(r.ok && r.delivery.event).toEqual(
      expect.objectContaining({
        event_id: 'ce-2',
        event_type: 'prediction_latency_high',
        model_name: 'churn',
        timestamp: '2026-03-02T11:00:00+01:00',
        extras: { p99_ms: 2400 },
        assumptions: [expect.stringContaining('mapped by CLOUDEVENTS_TYPE_MAP')],
      }),
    );
  });

  it('reads binary mode from HTTP ce-* headers too', () => {
    const r = readEvent(
      incoming(
        { model_name: 'churn' },
        {
          headers: {
            'ce-specversion': '1.0',
            'ce-id': 'h1',
            'ce-type': 'io.x.SystemOverload',
            'ce-time': '2026-03-02T11:00:00Z',
          },
        },
      ),
      SETTINGS,
    );
    expect(r.ok && r.event).toEqual(
      expect.objectContaining({ event_id: 'h1', event_type: 'system_overload' }),
    );
  });

  it('decodes data_base64 that carries JSON', () => {
    const data_base64 = Buffer.from(JSON.stringify(structured.data)).toString('base64');
    const r = readEvent(incoming({ ...structured, data: undefined, data_base64 }), SETTINGS);
    expect(r.ok && r.family === 'model' && 'drift_score' in r.event && r.event.drift_score).toBe(0.7);
  });

  it('keeps an unknown type as an event type of its own (the ALERT row)', () => {
    const r = readEvent(incoming({ ...structured, type: 'com.acme.GpuOnFire', data: {} }), SETTINGS);
    expect(r.ok && r.event.event_type).toBe('gpu_on_fire');
  });

  it.each([
    ['another spec version', { ...structured, specversion: '0.3' }, 'specversion'],
    ['data that is not an object', { ...structured, data: [1, 2] }, 'got an array'],
    [
      'data_base64 that is not JSON',
      { ...structured, data: undefined, data_base64: 'bm90IGpzb24=' },
      'data_base64',
    ],
    ['no model anywhere', { ...structured, subject: undefined }, 'names neither a model'],
  ])('rejects %s', (_what, body, part) => {
    const r = readEvent(incoming(body), SETTINGS);
    expect(r).toEqual(expect.objectContaining({ ok: false, detail: expect.stringContaining(part) }));
  });
});
