import { z } from 'zod';
import {
  booleanFlag,
  hostPortList,
  parseSettings,
  port,
  setting,
  SettingsValues,
  topicName,
} from './setting';

function topic(env: string, defaultName: string, description: string) {
  return setting({
    env,
    schema: topicName.default(defaultName),
    description,
    expects: 'a Kafka topic name (letters, digits, ".", "_", "-")',
    defaultText: defaultName,
  });
}

export const kafkaSettings = {
  brokers: setting({
    env: 'KAFKA_BROKERS',
    schema: hostPortList.optional(),
    description: 'Kafka bootstrap brokers. Unset: `npm start` runs a local single-node Kafka (KRaft).',
    expects: 'a comma-separated list of host:port, e.g. kafka-1:9092,kafka-2:9092',
  }),
  client: setting({
    env: 'KAFKA_CLIENT',
    schema: z.enum(['kafkajs', 'platformatic']).default('kafkajs'),
    description:
      'The Kafka client library of every Kafka connection of the process: kafkajs, or @platformatic/kafka (needs Node.js >= 22.22). See "Kafka client" under Kafka bridge.',
    expects: 'kafkajs or platformatic',
    defaultText: 'kafkajs',
  }),
  clientId: setting({
    env: 'KAFKA_CLIENT_ID',
    schema: z.string().min(1).default('mlops-guardian'),
    description: 'Kafka client id.',
    expects: 'a client id',
    defaultText: 'mlops-guardian',
  }),
  groupId: setting({
    env: 'KAFKA_GROUP_ID',
    schema: z.string().min(1).default('mlops-guardian-bridge'),
    description: 'Consumer group of the Kafka bridge; run more bridges with the same id to scale out.',
    expects: 'a consumer group id',
    defaultText: 'mlops-guardian-bridge',
  }),
  ssl: setting({
    env: 'KAFKA_SSL',
    schema: booleanFlag.default(false),
    description:
      'Connect to Kafka over TLS (implied by KAFKA_SSL_CA_PATH or a client certificate). The server certificate is verified against the system CAs, or KAFKA_SSL_CA_PATH.',
    expects: 'true or false',
    defaultText: 'false',
  }),
  sslCaPath: setting({
    env: 'KAFKA_SSL_CA_PATH',
    schema: z.string().optional(),
    description:
      "CA certificates (PEM) the brokers' certificates must chain to, instead of the system's trusted CAs (a private CA).",
    expects: 'a path to a PEM file',
  }),
  sslCertPath: setting({
    env: 'KAFKA_SSL_CERT_PATH',
    schema: z.string().optional(),
    description: 'Client certificate (PEM) for mTLS to the brokers. Needs KAFKA_SSL_KEY_PATH.',
    expects: 'a path to a PEM file',
  }),
  sslKeyPath: setting({
    env: 'KAFKA_SSL_KEY_PATH',
    schema: z.string().optional(),
    description: 'Private key (PEM, unencrypted) of the Kafka client certificate.',
    expects: 'a path to a PEM file',
  }),
  saslMechanism: setting({
    env: 'KAFKA_SASL_MECHANISM',
    schema: z.enum(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer']).optional(),
    description:
      'SASL mechanism; plain and scram-* need KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, oauthbearer needs KAFKA_SASL_OAUTHBEARER_TOKEN_PATH. Without TLS a warning is logged at start: the credentials (or what an eavesdropper needs to guess them) travel in clear.',
    expects: 'one of plain, scram-sha-256, scram-sha-512, oauthbearer',
  }),
  saslUsername: setting({
    env: 'KAFKA_SASL_USERNAME',
    schema: z.string().optional(),
    description: 'SASL user name.',
    expects: 'a user name',
  }),
  saslPassword: setting({
    env: 'KAFKA_SASL_PASSWORD',
    schema: z.string().optional(),
    description: 'SASL password.',
    expects: 'a password',
    secret: true,
  }),
  saslOauthbearerTokenPath: setting({
    env: 'KAFKA_SASL_OAUTHBEARER_TOKEN_PATH',
    schema: z.string().optional(),
    description:
      'File holding the OAuth bearer token (a JWT) for KAFKA_SASL_MECHANISM=oauthbearer, read again at every authentication and re-authentication, so whatever renews it (a projected service-account token, a sidecar) is picked up without a restart.',
    expects: 'a path to a file holding one token',
  }),
  localPort: setting({
    env: 'LOCAL_KAFKA_PORT',
    schema: port.default(9092),
    description: 'Port of the local Kafka broker started when KAFKA_BROKERS is unset.',
    expects: 'a TCP port (1-65535)',
    defaultText: '9092',
  }),
  topicDrift: topic('KAFKA_TOPIC_DRIFT', 'data.drift.detected', 'Input: data drift events.'),
  topicDegradation: topic(
    'KAFKA_TOPIC_DEGRADATION',
    'model.performance.degraded',
    'Input: model performance degradation events.',
  ),
  topicSystemMetrics: topic(
    'KAFKA_TOPIC_SYSTEM_METRICS',
    'system.metrics',
    'Input: overload / latency events.',
  ),
  topicSystemHealth: topic('KAFKA_TOPIC_SYSTEM_HEALTH', 'system.health', 'Input: failed health checks.'),
  topicVideo: topic('KAFKA_TOPIC_VIDEO', 'video.uploaded', 'Input: uploaded videos to analyse.'),
  topicVideoRequested: topic(
    'KAFKA_TOPIC_VIDEO_REQUESTED',
    'video.analysis.requested',
    'Input: explicit video analysis requests.',
  ),
  topicAlerts: topic('KAFKA_TOPIC_ALERTS', 'system.alerts', 'Output: alerts.'),
  topicTrainingStarted: topic('KAFKA_TOPIC_TRAINING_STARTED', 'model.training.started', 'Output.'),
  topicTrainingCompleted: topic('KAFKA_TOPIC_TRAINING_COMPLETED', 'model.training.completed', 'Output.'),
  topicDeployed: topic('KAFKA_TOPIC_DEPLOYED', 'model.deployed', 'Output: serving version changes.'),
  topicReports: topic('KAFKA_TOPIC_REPORTS', 'reports.daily', 'Output: daily log report summaries.'),
  topicDeadLetter: topic(
    'KAFKA_TOPIC_DEAD_LETTER',
    'mlops.dead-letter',
    'Output: messages that could not be processed, with the reason.',
  ),
};

export type KafkaConfig = SettingsValues<typeof kafkaSettings>;

export function parseKafkaConfig(env: NodeJS.ProcessEnv) {
  const result = parseSettings(kafkaSettings, env);
  const { saslMechanism, saslUsername, saslPassword, saslOauthbearerTokenPath, sslCertPath, sslKeyPath } =
    result.values;
  if (saslMechanism === 'oauthbearer') {
    if (!saslOauthbearerTokenPath) {
      result.errors.push(
        'KAFKA_SASL_MECHANISM=oauthbearer but KAFKA_SASL_OAUTHBEARER_TOKEN_PATH is missing: expected the path of the token file',
      );
    }
  } else if (saslMechanism && (!saslUsername || !saslPassword)) {
    result.errors.push(
      `KAFKA_SASL_MECHANISM=${saslMechanism} but KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is missing: expected both`,
    );
  }
  const runtimeProblem = kafkaClientRuntimeProblem(result.values.client, process.versions.node);
  if (runtimeProblem) result.errors.push(runtimeProblem);
  if (Boolean(sslCertPath) !== Boolean(sslKeyPath)) {
    result.errors.push(
      'KAFKA_SSL_CERT_PATH and KAFKA_SSL_KEY_PATH must be set together: expected both paths or neither',
    );
  }
  return result;
}

/** The oldest Node.js that @platformatic/kafka runs on (its `engines`: >= 22.22 on the 22 line). */
const PLATFORMATIC_MIN_NODE: [number, number] = [22, 22];

/** Why the chosen client cannot run on this Node.js version, or undefined when it can. */
export function kafkaClientRuntimeProblem(client: string, nodeVersion: string): string | undefined {
  if (client !== 'platformatic') return undefined;
  const [major, minor] = nodeVersion.split('.').map(Number);
  const [minMajor, minMinor] = PLATFORMATIC_MIN_NODE;
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  return `KAFKA_CLIENT=platformatic needs Node.js >= ${minMajor}.${minMinor} (this process runs ${nodeVersion}): run on a newer Node.js, or set KAFKA_CLIENT=kafkajs`;
}

/** Whether the brokers are reached over TLS: asked for, or implied by a CA file or a client certificate. */
export function kafkaUsesTls(config: KafkaConfig): boolean {
  return config.ssl || Boolean(config.sslCaPath || config.sslCertPath);
}

/**
 * What an operator should hear at start about how Kafka is reached: SASL without TLS sends a
 * PLAIN password or a bearer token in clear, and lets an eavesdropper attack a SCRAM exchange
 * offline; the events themselves travel in clear either way.
 */
export function kafkaTransportWarnings(config: KafkaConfig): string[] {
  if (!config.saslMechanism || kafkaUsesTls(config)) return [];
  const exposed =
    config.saslMechanism === 'plain'
      ? 'the SASL password travels in clear'
      : config.saslMechanism === 'oauthbearer'
        ? 'the bearer token travels in clear'
        : 'the SCRAM exchange can be recorded and the password guessed offline';
  return [
    `KAFKA_SASL_MECHANISM=${config.saslMechanism} without TLS: ${exposed}, and so do all events; set KAFKA_SSL=true (and KAFKA_SSL_CA_PATH for a private CA)`,
  ];
}

/** Every topic the product reads or writes, for creating them on a local broker. */
export function allTopics(config: KafkaConfig): string[] {
  return Object.entries(config)
    .filter(([key]) => key.startsWith('topic'))
    .map(([, name]) => name as string);
}
