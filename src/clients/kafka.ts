import type { KafkaConfig } from '../config/kafka';
import type { Logger } from '../logger';
import type { KafkaClient } from './kafka-client';
import { createKafkajsClient } from './kafkajs/kafkajs-client';
import { createPlatformaticClient } from './platformatic/platformatic-client';

/**
 * The process's Kafka client, of the library KAFKA_CLIENT names. @platformatic/kafka itself is
 * imported only when it is chosen (it needs Node >= 22.22; the configuration checks that at start).
 */
export async function createKafkaClient(
  config: KafkaConfig,
  brokers: string[],
  logger: Logger,
): Promise<KafkaClient> {
  return config.client === 'platformatic'
    ? createPlatformaticClient(config, brokers, logger)
    : createKafkajsClient(config, brokers, logger);
}
