import fs from 'node:fs';
import path from 'node:path';
import { readEvent } from '../../../src/domain/ingest/read-event';
import { incoming, ingestSettings } from '../../helpers/ingest';

const DIR = path.resolve(__dirname, '../../fixtures/interop/reference-producer');
const expected: Record<string, { zone: string; instants: string[] }> = JSON.parse(
  fs.readFileSync(path.join(DIR, 'expected-instants.json'), 'utf8'),
);

/** Python's instant (microseconds) at JavaScript's millisecond precision. */
const toMs = (pythonIso: string) => Date.parse(pythonIso.replace(/(\.\d{3})\d+/, '$1'));

describe.each(Object.entries(expected))('the reference producer in %s', (file, { zone, instants }) => {
  const lines = fs.readFileSync(path.join(DIR, file), 'utf8').trim().split('\n');

  it('accepts every event and reads each naive timestamp as Python zoneinfo does (fold=0)', () => {
    lines.forEach((line, i) => {
      const read = readEvent(incoming(JSON.parse(line)), ingestSettings(zone));
      if (!read.ok) throw new Error(`${file}:${i + 1}: ${read.detail}`);
      expect(Date.parse(read.event.timestamp)).toBe(toMs(instants[i]));
      expect(read.event.assumptions).toContainEqual(
        expect.stringMatching(new RegExp(`had no offset: read as ${zone} wall time`)),
      );
    });
  });

  it('names the model from model_version, and a service-only system event its service', () => {
    const read = lines.map((line) => readEvent(incoming(JSON.parse(line)), ingestSettings(zone)));
    const subjects = read.map((r) => (r.ok && r.family === 'model' ? r.event.model_name : undefined));
    expect(subjects.slice(0, 8)).toEqual([
      'movie_recommender',
      'movie_recommender',
      'service:mlops-api',
      'movie_recommender',
      'churn_model',
      'churn_model',
      'service:feature-store',
      'movie_recommender',
    ]);
  });
});

describe('DST wall times of the reference producer', () => {
  const read = (zone: string, timestamp: string) => {
    const r = readEvent(
      incoming({
        event_type: 'data_drift_detected',
        model_name: 'm',
        drift_score: 0.1,
        event_id: 'e',
        timestamp,
      }),
      ingestSettings(zone),
    );
    if (!r.ok) throw new Error(r.detail);
    return r.event;
  };

  it('says so in the reason when a wall time is skipped or repeated', () => {
    expect(read('America/New_York', '2026-03-08T02:30:00').assumptions?.[0]).toContain('DST gap');
    expect(read('America/New_York', '2026-11-01T01:30:00').assumptions?.[0]).toContain('DST overlap');
    expect(read('America/New_York', '2026-11-01T03:30:00').assumptions?.[0]).not.toContain('DST');
  });
});
