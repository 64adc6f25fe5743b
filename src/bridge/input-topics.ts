import type { KafkaConfig } from '../config/kafka';
import type { EventFamily } from './event-routing';

/** The topics the bridge consumes and the workflow family each one feeds (README "Kafka bridge"). */
export function inputTopicFamilies(kafka: KafkaConfig): Map<string, EventFamily> {
  return new Map<string, EventFamily>([
    [kafka.topicDrift, 'model'],
    [kafka.topicDegradation, 'model'],
    [kafka.topicSystemMetrics, 'model'],
    [kafka.topicSystemHealth, 'model'],
    [kafka.topicVideo, 'video'],
    [kafka.topicVideoRequested, 'video'],
  ]);
}
