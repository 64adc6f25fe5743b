/**
 * Drift reports of the tools people already run, read as `data_drift_detected` events
 * (README "Drift reports from Evidently and alibi-detect"):
 * - Evidently (Report with the data-drift preset, current Snapshot JSON and the legacy
 *   Report / TestSuite JSON): drift_score = share of drifted columns, affected_features = the
 *   drifted columns. The share is a magnitude in 0..1 whatever stat test each column used;
 *   per-column p-values and distances are not comparable with each other.
 * - alibi-detect `predict()` output: drift_score = share of features whose p-value is below the
 *   detector's threshold (one p-value, as multivariate detectors give: 1 − p-value), affected
 *   features = those features, named by a `feature_names` field or `feature_<i>`.
 * A report whose tool found no drift is an event of severity LOW (MONITOR), never a retrain.
 * Fields beside the report (model_name, model_version, event_id, timestamp, severity, source)
 * are the event's own.
 */

import { clipText } from '../clip-text';

type JsonObject = Record<string, unknown>;

export type DriftReportReading =
  { ok: true; event: JsonObject; assumptions: string[] } | { ok: false; reason: string };

interface DriftFigures {
  tool: string;
  share: number;
  drifted: string[];
  columns: number;
  /** The tool's own verdict on the dataset as a whole. */
  driftDetected: boolean;
  /** How the figures were read, for the decision's reason. */
  how: string;
}

/** Fields next to a report that belong to the event, not to the report. */
/** (Legacy Evidently JSON carries its own `timestamp`: the time it was computed.) */
const EVENT_FIELDS = [
  'model_name',
  'model_version',
  'event_id',
  'timestamp',
  'severity',
  'source',
  'service_name',
];

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Evidently ≥ 0.7 Snapshot: DriftedColumnsCount {count, share} and one ValueDrift per column. */
function evidentlySnapshot(report: JsonObject): DriftFigures | undefined {
  const metrics = asList(report.metrics).filter(isObject);
  const typeOf = (m: JsonObject) => (isObject(m.config) ? String(m.config.type ?? '') : '');
  const count = metrics.find((m) => typeOf(m).endsWith(':DriftedColumnsCount'));
  if (!count || !isObject(count.value) || !isNumber(count.value.share)) return undefined;
  const config = count.config as JsonObject;
  const drifted: string[] = [];
  let columns = 0;
  for (const m of metrics.filter((m) => typeOf(m).endsWith(':ValueDrift'))) {
    const c = m.config as JsonObject;
    if (!isNumber(m.value) || !isNumber(c.threshold) || typeof c.column !== 'string') continue;
    columns++;
    // As Evidently's stat tests decide: a p-value below the threshold, a distance at or above it.
    const isPValue = String(c.method ?? '').includes('p_value');
    if (isPValue ? m.value < c.threshold : m.value >= c.threshold) drifted.push(c.column);
  }
  const share = count.value.share;
  const driftShare = isNumber(config.drift_share) ? config.drift_share : 0.5;
  return {
    tool: 'Evidently',
    share,
    drifted,
    columns,
    driftDetected: share >= driftShare,
    how: `share of drifted columns ${round(share)} (DriftedColumnsCount; dataset drift at ≥ ${driftShare})`,
  };
}

/** Evidently ≤ 0.6 (and `evidently.legacy`) Report: DatasetDriftMetric and DataDriftTable. */
function evidentlyLegacyReport(report: JsonObject): DriftFigures | undefined {
  const metrics = asList(report.metrics).filter(isObject);
  const resultOf = (name: string) => {
    const m = metrics.find((x) => x.metric === name);
    return m && isObject(m.result) ? m.result : undefined;
  };
  const dataset = resultOf('DatasetDriftMetric') ?? resultOf('DataDriftTable');
  if (!dataset || !isNumber(dataset.share_of_drifted_columns)) return undefined;
  const byColumn = resultOf('DataDriftTable')?.drift_by_columns;
  const drifted = isObject(byColumn)
    ? Object.entries(byColumn)
        .filter(([, c]) => isObject(c) && c.drift_detected === true)
        .map(([name]) => name)
    : [];
  return {
    tool: 'Evidently',
    share: dataset.share_of_drifted_columns,
    drifted,
    columns: isNumber(dataset.number_of_columns) ? dataset.number_of_columns : drifted.length,
    driftDetected: dataset.dataset_drift === true,
    how: `share_of_drifted_columns ${round(dataset.share_of_drifted_columns)} (DatasetDriftMetric)`,
  };
}

/** Evidently ≤ 0.6 TestSuite with the data-drift preset: "Share of Drifted Columns". */
function evidentlyLegacyTestSuite(report: JsonObject): DriftFigures | undefined {
  const tests = asList(report.tests).filter(isObject);
  const test = tests.find((t) => t.name === 'Share of Drifted Columns' && isObject(t.parameters));
  const features = test ? (test.parameters as JsonObject).features : undefined;
  if (!test || !isObject(features)) return undefined;
  const entries = Object.entries(features).filter(([, f]) => isObject(f));
  const drifted = entries.filter(([, f]) => (f as JsonObject).detected === true).map(([name]) => name);
  const share = entries.length ? drifted.length / entries.length : 0;
  return {
    tool: 'Evidently',
    share,
    drifted,
    columns: entries.length,
    driftDetected: test.status === 'FAIL',
    how: `${drifted.length} of ${entries.length} columns drifted (TestSuite "Share of Drifted Columns" ${clipText(String(test.status))})`,
  };
}

/** alibi-detect `predict()`: {data: {is_drift, p_val, threshold, distance}, meta: {name, ...}}. */
function alibiDetect(report: JsonObject, featureNames: unknown): DriftFigures | undefined {
  const { data, meta } = report;
  if (!isObject(data) || !isObject(meta) || !('is_drift' in data) || !isNumber(data.threshold))
    return undefined;
  const detector = typeof meta.name === 'string' ? clipText(meta.name) : 'detector';
  const verdicts = asList(data.is_drift);
  const driftDetected = Array.isArray(data.is_drift)
    ? verdicts.some((v) => Number(v) === 1)
    : Number(data.is_drift) === 1;
  const threshold = data.threshold;
  if (isNumber(data.p_val)) {
    const share = driftDetected ? round(1 - data.p_val) : 0;
    return {
      tool: `alibi-detect ${detector}`,
      share,
      drifted: [],
      columns: 0,
      driftDetected,
      how: `1 − p-value ${data.p_val} (one p-value for all features)`,
    };
  }
  const pValues = asList(data.p_val);
  if (pValues.length === 0 || !pValues.every(isNumber)) return undefined;
  const names = asList(featureNames);
  const nameOf = (i: number) => (typeof names[i] === 'string' ? (names[i] as string) : `feature_${i}`);
  const drifted = pValues.flatMap((p, i) => (p < threshold ? [nameOf(i)] : []));
  return {
    tool: `alibi-detect ${detector}`,
    share: drifted.length / pValues.length,
    drifted,
    columns: pValues.length,
    driftDetected,
    how: `${drifted.length} of ${pValues.length} features with p-value < threshold ${round(threshold)}`,
  };
}

/**
 * Reads a drift tool's report into a drift event; undefined when the JSON is not one (an
 * ordinary event). The report itself stays out of the event: only its figures travel on.
 */
export function readDriftReport(json: JsonObject): DriftReportReading | undefined {
  if (typeof json.event_type === 'string' && json.event_type !== 'data_drift_detected') return undefined;
  const figures =
    evidentlySnapshot(json) ??
    evidentlyLegacyReport(json) ??
    evidentlyLegacyTestSuite(json) ??
    alibiDetect(json, json.feature_names);
  if (!figures) return undefined;
  if (figures.share < 0 || figures.share > 1) {
    return { ok: false, reason: `${figures.tool} report: drift share ${figures.share} is outside 0..1` };
  }
  const event: JsonObject = { event_type: 'data_drift_detected' };
  for (const key of EVENT_FIELDS) if (json[key] !== undefined) event[key] = json[key];
  event.drift_score = round(figures.share);
  event.affected_features = figures.drifted;
  event.drift_report = {
    tool: figures.tool,
    drift_detected: figures.driftDetected,
    drifted_columns: figures.drifted.length,
    columns: figures.columns,
  };
  const assumptions = [
    `${figures.tool} report read as a drift event: drift_score = ${figures.how}, affected_features = the drifted columns`,
  ];
  if (!figures.driftDetected && event.severity === undefined) {
    event.severity = 'LOW';
    assumptions.push(`${figures.tool} found no dataset drift: severity LOW`);
  }
  return { ok: true, event, assumptions };
}
