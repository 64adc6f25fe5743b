import fs from 'node:fs';
import path from 'node:path';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from '../../src/bridge/dead-letter-writer';
import {
  BridgeTestEnv,
  createBridgeTestEnv,
  header,
  produce,
  readTopic,
  waitFor,
} from '../helpers/bridge-harness';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

const FIXTURES = path.resolve(__dirname, '../fixtures/interop');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/**
 * The conformance corpus on the real stack: events as other people's producers write them —
 * the reference producer (naive Seoul wall times, name@version, a service-only event), CloudEvents
 * in both modes, Evidently and alibi-detect reports — produced onto real topics, read by the real
 * bridge and decided by the real guardian; the decision and what was assumed land in the audit
 * trail. Bad input is dead-lettered with its reason.
 */
describe('interop: real producers’ events, Kafka → bridge → guardian decision', () => {
  let t: BridgeTestEnv;
  let product: ProductOnStack;

  beforeAll(async () => {
    t = await createBridgeTestEnv({
      env: {
        PRODUCER_TIME_ZONE: 'Asia/Seoul',
        TIME_ZONE: 'UTC',
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
        // The decision is what is checked here: nothing runs.
        DRY_RUN: 'true',
        CLOUDEVENTS_TYPE_MAP: 'com.acme.model.lag=prediction_latency_high',
      },
    });
    product = await startProductOnStack(t);
  });

  afterAll(async () => {
    await product?.close();
    await new Promise((r) => setTimeout(r, 2_000));
    await t?.close();
  });

  const rowsOf = (subject: string, count: number) =>
    waitFor(
      `${count} audit rows of ${subject}`,
      () => product.auditRows(subject),
      (rows) => rows.length >= count,
    );

  it('decides the reference producer’s events, saying what it assumed', async () => {
    const model = uniqueName('movie-recommender');
    const service = uniqueName('mlops-api');
    // The reference producer's own lines, with this test's names.
    const lines = fixture('reference-producer/reference-asia-seoul.jsonl')
      .trim()
      .split('\n')
      .slice(0, 3)
      .map((line) => line.replaceAll('movie_recommender', model).replaceAll('mlops-api', service));
    const [drift, degradation, overload] = lines.map((l) => JSON.parse(l) as Record<string, string>);
    await produce(t.producer, t.topics.drift, [{ key: model, value: lines[0] }]);
    await produce(t.producer, t.topics.degradation, [{ key: model, value: lines[1] }]);
    await produce(t.producer, t.topics.systemMetrics, [{ key: service, value: lines[2] }]);

    const rows = await rowsOf(model, 2);
    const byId = (id: string) => rows.find((r) => r.event_id === id)!;
    expect(byId(drift.event_id)).toMatchObject({
      event_type: 'data_drift_detected',
      severity: 'HIGH',
      action: 'RETRAIN',
    });
    expect(byId(drift.event_id).reason).toContain(
      'timestamp 2026-03-02T10:15:00.123456 had no offset: read as Asia/Seoul wall time (2026-03-02T01:15:00.123Z)',
    );
    expect(byId(drift.event_id).reason).toContain(`model_name ${model} taken from model_version ${model}@v3`);
    expect(byId(drift.event_id).details.assumptions).toHaveLength(2);
    expect(byId(degradation.event_id)).toMatchObject({ severity: 'HIGH', action: 'ROLLBACK' });

    // The service-only event has a guardian of its own: service-guardian:<name>, subject service:<name>.
    const [serviceRow] = await rowsOf(`service:${service}`, 1);
    expect(serviceRow).toMatchObject({ event_id: overload.event_id, action: 'SCALE_UP' });
    expect(serviceRow.reason).toContain(`about service ${service}`);
    const guardian = await t.temporal.client.workflow.getHandle(`service-guardian:${service}`).describe();
    expect(guardian.status.name).toBe('RUNNING');
  });

  it('decides CloudEvents in structured and binary mode, keeping extra fields for the audit', async () => {
    const model = uniqueName('ce-model');
    const structured = {
      specversion: '1.0',
      id: uniqueName('ce'),
      source: '/argo-events/drift',
      type: 'io.argoproj.DataDriftDetected',
      time: '2026-03-02T10:15:00Z',
      subject: model,
      datacontenttype: 'application/json',
      data: { drift_score: 0.85, affected_features: ['age'], detector: 'ks' },
    };
    const binaryId = uniqueName('ce');
    const binaryHeaders: IHeaders = {
      ce_specversion: '1.0',
      ce_id: binaryId,
      ce_source: 'prometheus',
      ce_type: 'com.acme.model.lag',
      ce_time: '2026-03-02T10:16:00Z',
      'content-type': 'application/json',
    };
    await produce(t.producer, t.topics.drift, [{ key: model, value: JSON.stringify(structured) }]);
    await produce(t.producer, t.topics.systemMetrics, [
      {
        key: model,
        value: JSON.stringify({ model_name: model, severity: 'HIGH', p99_ms: 2400 }),
        headers: binaryHeaders,
      },
    ]);

    const rows = await rowsOf(model, 2);
    const drift = rows.find((r) => r.event_id === structured.id)!;
    expect(drift).toMatchObject({
      event_type: 'data_drift_detected',
      severity: 'CRITICAL',
      action: 'RETRAIN',
    });
    expect(drift.reason).toContain('taken from the CloudEvents subject');
    expect(drift.details.extraFields).toEqual({ detector: 'ks' });
    const lag = rows.find((r) => r.event_id === binaryId)!;
    expect(lag).toMatchObject({ event_type: 'prediction_latency_high', action: 'SCALE_UP' });
    expect(lag.details.extraFields).toEqual({ p99_ms: 2400 });
  });

  it('decides Evidently and alibi-detect reports, the model named by a Kafka header or a field', async () => {
    const model = uniqueName('drift-tools');
    const evidently = JSON.parse(fixture('drift-tools/evidently-report-data-drift.json'));
    const alibi = JSON.parse(fixture('drift-tools/alibi-ksdrift-no-drift.json'));
    const ids = [uniqueName('evidently'), uniqueName('alibi')];
    await produce(t.producer, t.topics.drift, [
      {
        key: model,
        value: JSON.stringify({ ...evidently, event_id: ids[0] }),
        headers: { model_name: model },
      },
      {
        key: model,
        value: JSON.stringify({
          ...alibi,
          model_name: model,
          event_id: ids[1],
          feature_names: ['age', 'minutes', 'rating'],
        }),
      },
    ]);

    const rows = await rowsOf(model, 2);
    const [fromEvidently, fromAlibi] = ids.map((id) => rows.find((r) => r.event_id === id)!);
    expect(fromEvidently).toMatchObject({ severity: 'MEDIUM', action: 'RETRAIN' });
    expect(fromEvidently.reason).toContain(
      'Evidently report read as a drift event: drift_score = share of drifted columns 0.5',
    );
    expect(fromEvidently.reason).toContain('taken from the Kafka header model_name');
    expect(fromEvidently.reason).toMatch(/no timestamp: the Kafka message timestamp/);
    expect(fromAlibi).toMatchObject({ severity: 'LOW', action: 'MONITOR' });
    expect(fromAlibi.reason).toContain('found no dataset drift: severity LOW');
  });

  it('still dead-letters bad input with the specific reason, and goes on', async () => {
    const model = uniqueName('bad-input');
    const good = {
      event_type: 'system_overload',
      model_name: model,
      event_id: uniqueName('good'),
      timestamp: '2026-03-02T10:15:00',
    };
    const bad: Array<{ value: string; reason: string; part: string }> = [
      { value: 'not json at all', reason: 'malformed_json', part: 'not JSON' },
      { value: '"a string"', reason: 'schema_violation', part: 'got a string' },
      {
        value: JSON.stringify({ ...good, event_type: 'data_drift_detected', drift_score: 'high' }),
        reason: 'schema_violation',
        part: 'drift_score',
      },
      {
        value: JSON.stringify({ ...good, event_type: 'data_drift_detected', drift_score: 3 }),
        reason: 'schema_violation',
        part: 'drift_score',
      },
      {
        value: JSON.stringify({ event_type: 'system_overload', severity: 'HIGH' }),
        reason: 'unroutable',
        part: 'nothing to route by',
      },
      {
        value: JSON.stringify({ ...good, timestamp: '2026-02-30T10:00:00' }),
        reason: 'schema_violation',
        part: 'timestamp',
      },
      {
        value: JSON.stringify({ specversion: '0.3', id: 'x', type: 't', data: {} }),
        reason: 'schema_violation',
        part: 'specversion',
      },
      {
        value: JSON.stringify({ ...good, severity: 'H'.repeat(33) }),
        reason: 'field_too_long',
        part: 'severity is 33 characters long, over the limit of 32',
      },
    ];
    await produce(t.producer, t.topics.systemMetrics, [
      ...bad.map((b) => ({ key: model, value: b.value })),
      { key: model, value: JSON.stringify(good) },
    ]);

    await rowsOf(model, 1);
    const isOurs = (l: KafkaMessage) => l.key?.toString() === model;
    const letters = (
      await readTopic(t.kafka, t.topics.deadLetter, (ls) => ls.filter(isOurs).length >= bad.length)
    )
      .filter(isOurs)
      .sort((x, y) => Number(header(x, DLQ_HEADERS.offset)) - Number(header(y, DLQ_HEADERS.offset)));
    expect(letters.map((l) => header(l, DLQ_HEADERS.reasonCode))).toEqual(bad.map((b) => b.reason));
    letters.forEach((letter, i) => expect(header(letter, DLQ_HEADERS.reason)).toContain(bad[i].part));
  });
});
