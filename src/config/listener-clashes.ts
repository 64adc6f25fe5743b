import type { BridgeConfig } from './bridge';
import type { WorkerRole } from './roles';
import type { TemporalConfig } from './temporal';
import type { WorkerConfig } from './worker';

/**
 * One process may open three listeners (the bridge's HTTP way in, the worker's /metrics, the
 * Temporal SDK's metrics): the same port twice would fail at start with EADDRINUSE, so say which
 * settings clash before anything starts. Only listeners the process's roles open can clash: the
 * worker's /metrics comes with a worker role, the bridge's HTTP way in with the bridge role, so
 * a bridge-only and a worker-only process of one pod may share the port settings.
 */
export function listenerClashes(
  temporal: TemporalConfig,
  bridge: BridgeConfig,
  worker: WorkerConfig,
  roles: readonly WorkerRole[],
): string[] {
  const runsWorker = roles.some((role) => role !== 'bridge');
  if (!worker.httpEnabled || !runsWorker) return [];
  const problems: string[] = [];
  const runsBridgeHttp = roles.includes('bridge') && bridge.enabled && bridge.httpEnabled;
  if (runsBridgeHttp && bridge.httpPort === worker.httpPort) {
    problems.push(
      `WORKER_HTTP_PORT=${worker.httpPort} is also BRIDGE_HTTP_PORT: expected different ports (or WORKER_HTTP_ENABLED=false)`,
    );
  }
  const sdkPort =
    temporal.metricsAddress &&
    Number(temporal.metricsAddress.slice(temporal.metricsAddress.lastIndexOf(':') + 1));
  if (sdkPort === worker.httpPort) {
    problems.push(
      `WORKER_HTTP_PORT=${worker.httpPort} is also the port of TEMPORAL_METRICS_ADDRESS: the SDK serves its own listener, expected different ports`,
    );
  }
  return problems;
}
