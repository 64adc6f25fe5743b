/**
 * Reads the worker's Temporal SDK metrics (TEMPORAL_METRICS_ADDRESS, Prometheus text) so each
 * rate can say where the time went: workflow task and activity schedule-to-start (waiting for
 * the worker) and execution, and how often a workflow task found its workflow cached.
 */
const SERIES = {
  workflowTaskScheduleToStart: 'temporal_workflow_task_schedule_to_start_latency',
  workflowTaskExecution: 'temporal_workflow_task_execution_latency',
  activityScheduleToStart: 'temporal_activity_schedule_to_start_latency',
  activityExecution: 'temporal_activity_execution_latency',
};

export type SdkMetricsSnapshot = Record<string, number>;

/** Sums of every series we read, over all their label sets (histograms: _sum and _count). */
export async function scrapeSdkMetrics(address: string): Promise<SdkMetricsSnapshot | undefined> {
  try {
    const text = await (await fetch(`http://${address}/metrics`)).text();
    const totals: SdkMetricsSnapshot = {};
    for (const line of text.split('\n')) {
      const match = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line);
      if (match) totals[match[1]] = (totals[match[1]] ?? 0) + Number(match[2]);
    }
    return totals;
  } catch {
    return undefined;
  }
}

/** Mean milliseconds of each part between two snapshots, and the sticky cache hit rate. */
export function sdkMetricsBetween(before?: SdkMetricsSnapshot, after?: SdkMetricsSnapshot) {
  if (!before || !after) return undefined;
  const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  const meanMs = (base: string) => {
    const count = delta(`${base}_count`);
    return count > 0 ? Math.round((delta(`${base}_sum`) / count) * 10) / 10 : undefined;
  };
  const hits = delta('temporal_sticky_cache_hit');
  const misses = delta('temporal_sticky_cache_miss');
  return {
    meanMs: Object.fromEntries(Object.entries(SERIES).map(([part, base]) => [part, meanMs(base)])),
    workflowTasks: delta(`${SERIES.workflowTaskExecution}_count`),
    activities: delta(`${SERIES.activityExecution}_count`),
    stickyCacheHitRate: hits + misses > 0 ? Math.round((hits / (hits + misses)) * 1000) / 1000 : undefined,
  };
}
