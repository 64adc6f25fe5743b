import { z } from 'zod';
import { booleanFlag, parseSettings, port, setting, SettingsValues } from './setting';

/** Settings of the worker's own HTTP listener: GET /metrics and GET /healthz. */
export const workerSettings = {
  httpEnabled: setting({
    env: 'WORKER_HTTP_ENABLED',
    schema: booleanFlag.default(true),
    description:
      "Serve the worker's own GET /metrics (decisions, action results, alarms, audit write failures, video gauges, heap and event-loop lag) and GET /healthz. The Temporal SDK's series stay on TEMPORAL_METRICS_ADDRESS.",
    expects: 'true or false',
    defaultText: 'true',
  }),
  httpHost: setting({
    env: 'WORKER_HTTP_HOST',
    schema: z.string().min(1).default('127.0.0.1'),
    description:
      "Address the worker's /metrics and /healthz bind to; 0.0.0.0 lets Prometheus on another host scrape them (they accept GET only).",
    expects: 'an IP address or host name',
    defaultText: '127.0.0.1',
  }),
  httpPort: setting({
    env: 'WORKER_HTTP_PORT',
    schema: port.default(8089),
    description: "Port of the worker's /metrics and /healthz.",
    expects: 'a TCP port (1-65535)',
    defaultText: '8089',
  }),
};

export type WorkerConfig = SettingsValues<typeof workerSettings>;

export function parseWorkerConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(workerSettings, env);
}
