import { MetricsRegistry } from '../../src/metrics/prometheus-registry';

describe('MetricsRegistry (Prometheus text format 0.0.4)', () => {
  it('renders counters and gauges with HELP, TYPE and sorted, escaped labels', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('bridge_things_total', 'Things.\nTwo lines.');
    const gauge = registry.gauge('bridge_lag', 'Lag.');
    counter.inc({ topic: 'a', reason: 'say "hi"\\now' });
    counter.inc({ reason: 'say "hi"\\now', topic: 'a' }, 2);
    gauge.set({ partition: 1, topic: 't' }, 7);
    gauge.set({ partition: 1, topic: 't' }, 3);
    expect(registry.render()).toBe(
      [
        '# HELP bridge_things_total Things.\\nTwo lines.',
        '# TYPE bridge_things_total counter',
        'bridge_things_total{reason="say \\"hi\\"\\\\now",topic="a"} 3',
        '# HELP bridge_lag Lag.',
        '# TYPE bridge_lag gauge',
        'bridge_lag{partition="1",topic="t"} 3',
        '',
      ].join('\n'),
    );
    expect(counter.get({ topic: 'a', reason: 'say "hi"\\now' })).toBe(3);
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('latency_seconds', 'Latency.', [0.1, 0.5, 1]);
    for (const v of [0.05, 0.1, 0.3, 2]) h.observe({ workflow: 'guardian' }, v);
    const text = registry.render();
    expect(text).toContain('latency_seconds_bucket{workflow="guardian",le="0.1"} 2');
    expect(text).toContain('latency_seconds_bucket{workflow="guardian",le="0.5"} 3');
    expect(text).toContain('latency_seconds_bucket{workflow="guardian",le="1"} 3');
    expect(text).toContain('latency_seconds_bucket{workflow="guardian",le="+Inf"} 4');
    expect(text).toContain('latency_seconds_sum{workflow="guardian"} 2.45');
    expect(text).toContain('latency_seconds_count{workflow="guardian"} 4');
  });

  it('refuses what Prometheus would reject: bad names, duplicate names, decreasing counters, unsorted buckets', () => {
    const registry = new MetricsRegistry();
    expect(() => registry.counter('bad-name', 'x')).toThrow('invalid metric name');
    registry.counter('ok_total', 'x');
    expect(() => registry.gauge('ok_total', 'x')).toThrow('registered twice');
    expect(() => registry.counter('c_total', 'x').inc({}, -1)).toThrow('cannot decrease');
    expect(() => registry.histogram('h', 'x', [1, 0.5])).toThrow('ascend');
  });

  it('forgets a gauge series that no longer applies', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge('lag', 'Lag.');
    g.set({ partition: 0 }, 1);
    g.remove({ partition: 0 });
    expect(registry.render()).toBe('# HELP lag Lag.\n# TYPE lag gauge\n');
  });
});
