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
    description: 'Connect to Kafka over TLS.',
    expects: 'true or false',
    defaultText: 'false',
  }),
  saslMechanism: setting({
    env: 'KAFKA_SASL_MECHANISM',
    schema: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    description: 'SASL mechanism; needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.',
    expects: 'one of plain, scram-sha-256, scram-sha-512',
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
  const { saslMechanism, saslUsername, saslPassword } = result.values;
  if (saslMechanism && (!saslUsername || !saslPassword)) {
    result.errors.push(
      'KAFKA_SASL_MECHANISM is set but KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is missing: expected both',
    );
  }
  return result;
}

/** Every topic the product reads or writes, for creating them on a local broker. */
export function allTopics(config: KafkaConfig): string[] {
  return Object.entries(config)
    .filter(([key]) => key.startsWith('topic'))
    .map(([, name]) => name as string);
}
