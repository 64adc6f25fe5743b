import { z } from 'zod';
import { booleanFlag, parseSettings, port, positiveInt, setting, SettingsValues } from './setting';

/** Settings of the Kafka bridge and its HTTP way in. */
export const bridgeSettings = {
  enabled: setting({
    env: 'BRIDGE_ENABLED',
    schema: booleanFlag.default(true),
    description: 'Run the Kafka bridge inside `npm start`.',
    expects: 'true or false',
    defaultText: 'true',
  }),
  httpEnabled: setting({
    env: 'BRIDGE_HTTP_ENABLED',
    schema: booleanFlag.default(true),
    description:
      'Serve POST /events, POST /alertmanager, GET/POST /silences, GET/POST /approvals, /healthz and /metrics.',
    expects: 'true or false',
    defaultText: 'true',
  }),
  httpHost: setting({
    env: 'BRIDGE_HTTP_HOST',
    schema: z.string().min(1).default('127.0.0.1'),
    description: 'Address the HTTP event endpoint, /healthz and /metrics bind to.',
    expects: 'an IP address or host name',
    defaultText: '127.0.0.1',
  }),
  httpPort: setting({
    env: 'BRIDGE_HTTP_PORT',
    schema: port.default(8088),
    description: 'Port of the HTTP event endpoint, /healthz and /metrics.',
    expects: 'a TCP port (1-65535)',
    defaultText: '8088',
  }),
  httpToken: setting({
    env: 'BRIDGE_HTTP_TOKEN',
    schema: z.string().min(16).optional(),
    description:
      'Bearer token every POST to the HTTP way in must carry (`Authorization: Bearer …`). Required when BRIDGE_HTTP_HOST is not a loopback address.',
    expects: 'a secret of at least 16 characters',
    secret: true,
  }),
  httpMaxConcurrentRequests: setting({
    env: 'BRIDGE_HTTP_MAX_CONCURRENT',
    schema: positiveInt.default(64),
    description: 'Most POST requests handled at once; more are answered 503 with Retry-After.',
    expects: 'a positive integer',
    defaultText: '64',
  }),
  maxMessageBytes: setting({
    env: 'BRIDGE_MAX_MESSAGE_BYTES',
    schema: positiveInt.default(1_048_576),
    description: 'Larger messages (and HTTP bodies) are dead-lettered (rejected) unread.',
    expects: 'a positive number of bytes',
    defaultText: '1048576',
  }),
  partitionBufferBytes: setting({
    env: 'BRIDGE_PARTITION_BUFFER_BYTES',
    schema: positiveInt.default(4 * 1_048_576),
    description:
      'Per Kafka partition, fetching pauses once the messages waiting in memory hold this many bytes (or 256 messages), and resumes when a quarter is left; the memory a bridge holds is about this times the partitions it owns, plus one fetch.',
    expects: 'a positive number of bytes',
    defaultText: '4194304',
  }),
  newGroupStart: setting({
    env: 'BRIDGE_NEW_GROUP_START',
    schema: z.enum(['earliest', 'latest']).default('earliest'),
    description:
      'Where a consumer group with no committed offsets starts reading: earliest (no event produced before the first start is lost) or latest.',
    expects: 'earliest or latest',
    defaultText: 'earliest',
  }),
  maxInFlight: setting({
    env: 'BRIDGE_MAX_IN_FLIGHT',
    schema: positiveInt.default(32),
    description:
      "Most Temporal calls (signals, starts) in flight at once, one per workflow. A model's events that wait meanwhile go together in its next call, so a few calls carry a high rate; more only add contention at Temporal.",
    expects: 'a positive integer',
    defaultText: '32',
  }),
  partitionsConcurrently: setting({
    env: 'BRIDGE_PARTITIONS_CONCURRENTLY',
    schema: positiveInt.default(32),
    description:
      'Kafka partitions processed in parallel by one bridge (BRIDGE_MAX_IN_FLIGHT still bounds Temporal calls); at least the number of partitions it owns keeps one slow partition from holding up the others.',
    expects: 'a positive integer',
    defaultText: '32',
  }),
  temporalCallTimeoutMs: setting({
    env: 'BRIDGE_TEMPORAL_CALL_TIMEOUT_MS',
    schema: positiveInt.default(10_000),
    description: 'Deadline of one signal/start call; a call that misses it is retried, never skipped.',
    expects: 'a positive number of milliseconds',
    defaultText: '10000',
  }),
  retryInitialDelayMs: setting({
    env: 'BRIDGE_RETRY_INITIAL_DELAY_MS',
    schema: positiveInt.default(500),
    description:
      'First pause of a partition whose delivery failed (Temporal or Kafka down); doubles per failure.',
    expects: 'a positive number of milliseconds',
    defaultText: '500',
  }),
  retryMaxDelayMs: setting({
    env: 'BRIDGE_RETRY_MAX_DELAY_MS',
    schema: positiveInt.default(30_000),
    description: 'Cap of the pause between delivery attempts of a failing partition.',
    expects: 'a positive number of milliseconds',
    defaultText: '30000',
  }),
  sessionTimeoutMs: setting({
    env: 'BRIDGE_SESSION_TIMEOUT_MS',
    schema: positiveInt.default(30_000),
    description:
      'Kafka consumer session timeout: how long a bridge that died without leaving the group keeps its partitions before another member takes over.',
    expects: 'a positive number of milliseconds (the broker allows 6000-300000 by default)',
    defaultText: '30000',
  }),
  shutdownTimeoutMs: setting({
    env: 'BRIDGE_SHUTDOWN_TIMEOUT_MS',
    schema: positiveInt.default(25_000),
    description: 'On SIGTERM: time to finish in-flight messages and commit before giving up.',
    expects: 'a positive number of milliseconds',
    defaultText: '25000',
  }),
};

export type BridgeConfig = SettingsValues<typeof bridgeSettings>;

export function parseBridgeConfig(env: NodeJS.ProcessEnv) {
  const result = parseSettings(bridgeSettings, env);
  const { retryInitialDelayMs, retryMaxDelayMs, httpEnabled, httpHost, httpToken } = result.values;
  if (httpEnabled && !isLoopbackHost(httpHost) && !httpToken) {
    result.errors.push(
      `BRIDGE_HTTP_TOKEN is required when BRIDGE_HTTP_HOST=${JSON.stringify(httpHost)} is not a loopback address: ` +
        'without it anyone who reaches the port could make the guardian retrain, roll back or scale',
    );
  }
  if (retryInitialDelayMs > retryMaxDelayMs) {
    result.errors.push(
      'BRIDGE_RETRY_INITIAL_DELAY_MS is larger than BRIDGE_RETRY_MAX_DELAY_MS: expected initial <= max',
    );
  }
  return result;
}

/** Addresses only this machine can reach: the HTTP way in may go without a token there. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
