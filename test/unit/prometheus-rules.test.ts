import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { VideoMetrics, videoMetricsText } from '../../src/activities/video/metrics';
import { NodeProcessMetrics } from '../../src/metrics/node-process-metrics';
import { MetricsRegistry } from '../../src/metrics/prometheus-registry';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';

const RULES_FILE = path.resolve(__dirname, '../../deploy/prometheus/mlops-guardian-rules.yml');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const groups = (
  parse(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }
).groups;
const rules = groups.flatMap((g) => g.rules);

/** Every series name the worker's /metrics serves (histograms with their _bucket/_sum/_count). */
function servedSeries(): Set<string> {
  const worker = new WorkerMetrics();
  const processRegistry = new MetricsRegistry();
  const processMetrics = new NodeProcessMetrics(processRegistry);
  processMetrics.update();
  processMetrics.stop();
  worker.alarmSent('guardian', 'kafka', new Date().toISOString());
  const video = videoMetricsText({
    dbConnectionFailuresInWindow: 0,
    dbConnectionFailuresWindowMinutes: 5,
    dbConnectionFailuresAlarm: false,
    dbConnectionFailuresTotal: 0,
    jobFailureRate: { finished: 0, failed: 0, percent: 0, windowMinutes: 60 },
    jobFailureRateAlarm: false,
    jobsFinished: new VideoMetrics().counters().jobsFinished,
  });
  const text = worker.render() + processRegistry.render() + video;
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!m) continue;
    names.add(m[1]);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
  }
  return names;
}

describe('deploy/prometheus rules', () => {
  it('is a Prometheus rule file: named groups of alerts with an expression, a duration, a severity and words for people', () => {
    expect(groups.length).toBeGreaterThan(0);
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(typeof rule.expr).toBe('string');
      expect(rule.for ?? '0m').toMatch(/^\d+(ms|s|m|h|d|w|y)$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toEqual(expect.any(String));
      expect(rule.annotations?.description).toEqual(expect.any(String));
      // Balanced brackets: the commonest way a hand-edited expression breaks.
      for (const [open, close] of ['()', '[]', '{}']) {
        expect(rule.expr.split(open).length).toBe(rule.expr.split(close).length);
      }
    }
  });

  it('asks only for series the worker serves', () => {
    const served = servedSeries();
    const used = rules.flatMap((r) =>
      (
        r.expr
          .replace(/\{[^}]*\}/g, '')
          .replace(/\[[^\]]*\]/g, '')
          .match(/[a-z_][a-z0-9_]*/g) ?? []
      ).filter((w) => /_(total|bucket|percent|bytes|seconds)$/.test(w)),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect([name, served.has(name)]).toEqual([name, true]);
  });

  it.each([
    ['AutoResponseSuccessRateLow', '< 0.95'],
    ['AlertDeliveryLatencyHigh', '> 30'],
    ['AuditWriteFailures', '> 0'],
    ['VideoFailureRateHigh', '> 10'],
    ['VideoDatabaseConnectionFailures', '> 3'],
    ['HighMemoryUsage', '> 0.8'],
  ])('has %s with the threshold %s', (name, threshold) => {
    const rule = rules.find((r) => r.alert === name);
    expect(rule?.expr.replace(/\s+/g, ' ')).toContain(threshold);
  });
});
