import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Gauge, MetricsRegistry } from './prometheus-registry';

/**
 * Heap and event-loop lag of this process, read when scraped. The heap series carry the names
 * common Node exporters use, so a rule written for them (heap used / total > 0.8) works here too.
 */
export class NodeProcessMetrics {
  private readonly heapUsed: Gauge;
  private readonly heapTotal: Gauge;
  private readonly rss: Gauge;
  private readonly lagP99: Gauge;
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor(registry: MetricsRegistry) {
    this.heapUsed = registry.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use.');
    this.heapTotal = registry.gauge('nodejs_heap_size_total_bytes', 'V8 heap allocated.');
    this.rss = registry.gauge('process_resident_memory_bytes', 'Resident memory of the process.');
    this.lagP99 = registry.gauge(
      'nodejs_eventloop_lag_p99_seconds',
      'p99 event-loop delay since the previous scrape: activities and the SDK share this loop.',
    );
    this.loop.enable();
  }

  /** Sets the gauges to now; the lag histogram starts over, so each scrape sees its own interval. */
  update(): void {
    const memory = process.memoryUsage();
    this.heapUsed.set({}, memory.heapUsed);
    this.heapTotal.set({}, memory.heapTotal);
    this.rss.set({}, memory.rss);
    this.lagP99.set({}, this.loop.count > 0 ? this.loop.percentile(99) / 1e9 : 0);
    this.loop.reset();
  }

  stop(): void {
    this.loop.disable();
  }
}
