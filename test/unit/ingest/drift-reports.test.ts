import fs from 'node:fs';
import path from 'node:path';
import { readEvent } from '../../../src/domain/ingest/read-event';
import { incoming, ingestSettings } from '../../helpers/ingest';

const DIR = path.resolve(__dirname, '../../fixtures/interop/drift-tools');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
const at = '2026-03-02T10:15:00Z';

function readReport(name: string, extra: Record<string, unknown> = {}) {
  const r = readEvent(
    incoming({ ...fixture(name), ...extra }, { modelHint: { name: 'recsys', from: 'the test' } }),
    ingestSettings(),
  );
  if (!r.ok || r.family !== 'model') throw new Error(r.ok ? 'not a model event' : r.detail);
  return r.event as Record<string, unknown>;
}

// Expected figures read off the fixtures by hand (see drift-tools/README.md): the data drifts in
// age, watch_minutes and genre, not in rating, device and country.
describe('drift reports become drift events', () => {
  it.each([
    ['evidently-report-data-drift.json', 0.5, ['age', 'watch_minutes', 'genre'], undefined],
    ['evidently-testsuite-data-drift.json', 0.5, ['age', 'watch_minutes', 'genre'], undefined],
    ['evidently-legacy-report-data-drift.json', 0.5, ['age', 'watch_minutes', 'genre'], undefined],
    ['evidently-legacy-testsuite-data-drift.json', 0.5, ['age', 'watch_minutes', 'genre'], undefined],
    ['evidently-no-drift.json', 0, [], 'LOW'],
    // KS on [age, watch_minutes, rating]: p-values 0, 0, 0.88 against 0.0167 (Bonferroni).
    ['alibi-ksdrift.json', 2 / 3, ['feature_0', 'feature_1'], undefined],
    ['alibi-ksdrift-feature-wise.json', 2 / 3, ['feature_0', 'feature_1'], undefined],
    ['alibi-ksdrift-no-drift.json', 0, [], 'LOW'],
    // TabularDrift on six columns: p-values below 0.00833 for 0, 1 and 3 (genre).
    ['alibi-tabular.json', 0.5, ['feature_0', 'feature_1', 'feature_3'], undefined],
  ])('%s → drift_score %d', (name, score, features, severity) => {
    const e = readReport(name, { timestamp: at });
    expect(e.event_type).toBe('data_drift_detected');
    expect(e.drift_score).toBeCloseTo(score, 6);
    expect(new Set(e.affected_features as string[])).toEqual(new Set(features));
    expect(e.severity).toBe(severity);
    expect(e.model_name).toBe('recsys');
    expect(e.extras).toEqual({ drift_report: expect.objectContaining({ drifted_columns: features.length }) });
  });

  it('names alibi-detect features by a feature_names field', () => {
    const e = readReport('alibi-ksdrift.json', {
      timestamp: at,
      feature_names: ['age', 'watch_minutes', 'rating'],
    });
    expect(e.affected_features).toEqual(['age', 'watch_minutes']);
  });

  it("takes the legacy Evidently report's own naive timestamp as the producer's wall time", () => {
    const e = readReport('evidently-legacy-report-data-drift.json');
    expect(e.assumptions).toContainEqual(expect.stringContaining('had no offset'));
  });

  it('reads the chi-square detector of categorical columns', () => {
    const e = readReport('alibi-chisquare.json', {
      timestamp: at,
      feature_names: ['genre', 'device', 'country'],
    });
    expect(e.affected_features).toEqual(['genre']);
  });

  it('a report without a model is not routable, and says how to name one', () => {
    const r = readEvent(incoming({ ...fixture('alibi-ksdrift.json'), timestamp: at }), ingestSettings());
    expect(r).toEqual(expect.objectContaining({ ok: false, reason: 'unroutable' }));
  });
});
