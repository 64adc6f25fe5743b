import { z } from 'zod';
import { booleanFlag, hostPort, parseSettings, port, setting, SettingsValues } from './setting';

export const temporalSettings = {
  address: setting({
    env: 'TEMPORAL_ADDRESS',
    schema: hostPort.optional(),
    description:
      'Temporal frontend to connect to. Unset: `npm start` runs a local Temporal dev server (with Web UI).',
    expects: 'host:port, e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233',
  }),
  namespace: setting({
    env: 'TEMPORAL_NAMESPACE',
    schema: z.string().min(1).default('default'),
    description: 'Temporal namespace.',
    expects: 'a namespace name',
    defaultText: 'default',
  }),
  taskQueue: setting({
    env: 'TEMPORAL_TASK_QUEUE',
    schema: z.string().min(1).default('mlops-guardian'),
    description: 'Task queue the worker polls and clients start workflows on.',
    expects: 'a task queue name',
    defaultText: 'mlops-guardian',
  }),
  tls: setting({
    env: 'TEMPORAL_TLS',
    schema: booleanFlag.default(false),
    description:
      'Use TLS to reach Temporal (implied by a CA file, a server name, a client certificate or an API key).',
    expects: 'true or false',
    defaultText: 'false',
  }),
  tlsCaPath: setting({
    env: 'TEMPORAL_TLS_CA_PATH',
    schema: z.string().optional(),
    description:
      "CA certificates (PEM) that Temporal's server certificate must chain to, instead of the system's trusted CAs (a private CA).",
    expects: 'a path to a PEM file',
  }),
  tlsServerName: setting({
    env: 'TEMPORAL_TLS_SERVER_NAME',
    schema: z.string().min(1).optional(),
    description:
      "Name the server certificate must carry (and the TLS SNI), when it differs from TEMPORAL_ADDRESS's host (an IP address, a load balancer, a port-forward).",
    expects: 'a host name',
  }),
  tlsCertPath: setting({
    env: 'TEMPORAL_TLS_CERT_PATH',
    schema: z.string().optional(),
    description: 'Client certificate (PEM) for mTLS, e.g. Temporal Cloud. Needs TEMPORAL_TLS_KEY_PATH.',
    expects: 'a path to a PEM file',
  }),
  tlsKeyPath: setting({
    env: 'TEMPORAL_TLS_KEY_PATH',
    schema: z.string().optional(),
    description: 'Private key (PEM) for the client certificate.',
    expects: 'a path to a PEM file',
  }),
  apiKey: setting({
    env: 'TEMPORAL_API_KEY',
    schema: z.string().optional(),
    description: 'API key for Temporal Cloud (alternative to mTLS).',
    expects: 'an API key',
    secret: true,
  }),
  metricsAddress: setting({
    env: 'TEMPORAL_METRICS_ADDRESS',
    schema: hostPort.optional(),
    description:
      "Serve the worker's Temporal SDK metrics (schedule-to-start latency, slots, sticky cache, failures) for Prometheus at http://<address>/metrics. Unset: not served.",
    expects: 'host:port, e.g. 127.0.0.1:9464',
  }),
  localPort: setting({
    env: 'LOCAL_TEMPORAL_PORT',
    schema: port.default(7233),
    description: 'Port of the local Temporal dev server started when TEMPORAL_ADDRESS is unset.',
    expects: 'a TCP port (1-65535)',
    defaultText: '7233',
  }),
  localUiPort: setting({
    env: 'LOCAL_TEMPORAL_UI_PORT',
    schema: port.default(8233),
    description: 'Port of the local Temporal Web UI.',
    expects: 'a TCP port (1-65535)',
    defaultText: '8233',
  }),
};

export type TemporalConfig = SettingsValues<typeof temporalSettings>;

export function parseTemporalConfig(env: NodeJS.ProcessEnv) {
  const result = parseSettings(temporalSettings, env);
  const { tlsCertPath, tlsKeyPath } = result.values;
  if (Boolean(tlsCertPath) !== Boolean(tlsKeyPath)) {
    result.errors.push(
      'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together: expected both paths or neither',
    );
  }
  return result;
}
