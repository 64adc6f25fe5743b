import type { KafkaConfig } from '../config/kafka';
import type { Logger } from '../logger';
import type { KafkaClient } from './kafka-client';
import { createKafkajsClient } from './kafkajs/kafkajs-client';

/** The process's Kafka client. */
export async function createKafkaClient(
  config: KafkaConfig,
  brokers: string[],
  logger: Logger,
): Promise<KafkaClient> {
  return createKafkajsClient(config, brokers, logger);
}
