import type { Consumer, Kafka } from 'kafkajs';
import type { GroupConsumer, GroupConsumerOptions } from '../kafka-client';
import { isBrokerOutage } from './broker-outage';

/** A kafkajs consumer as the product's GroupConsumer: batches, our own commits, pause and resume. */
export function kafkajsGroupConsumer(kafka: Kafka, options: GroupConsumerOptions): GroupConsumer {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // Short fetch waits keep shutdown quick; a fetch returns at once whenever data is there.
    maxWaitTimeInMs: 500,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)),
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => options.onAssignment(payload.memberAssignment));
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    options.onCrash({
      error: payload.error,
      clientRestarts: payload.restart,
      outage: isBrokerOutage(payload.error),
    }),
  );
  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning });
      await consumer.run({
        // We commit ourselves, only what the caller says; kafkajs's "resolved" offset is just the fetch position.
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently,
        eachBatch: async ({ batch, resolveOffset }) => {
          if (batch.messages.length === 0) return;
          options.onBatch({
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: batch.highWatermark,
            messages: batch.messages.map((m) => ({
              offset: m.offset,
              key: m.key ?? null,
              value: m.value,
              headers: m.headers ?? {},
              timestamp: m.timestamp,
            })),
          });
          // Only the fetch position (autoCommit is off): the next fetch continues after this batch.
          resolveOffset(batch.lastOffset());
        },
      });
    },
    pause(topic, partition) {
      try {
        consumer.pause([{ topic, partitions: [partition] }]);
      } catch {
        // Not running (between a crash and its restart): nothing is being fetched anyway.
      }
    },
    resume(topic, partition) {
      try {
        consumer.resume([{ topic, partitions: [partition] }]);
      } catch {
        // Not running: a restarted consumer starts unpaused.
      }
    },
    commit: (offsets) => consumer.commitOffsets(offsets),
    disconnect: () => consumer.disconnect(),
  };
}
