import type { BaseOptions, Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type {
  ConsumedBatch,
  ConsumedMessage,
  GroupConsumer,
  GroupConsumerOptions,
  KafkaHeaders,
} from '../kafka-client';
import type { PlatformaticKafka } from './load-platformatic-kafka';
import { isPlatformaticOutage } from './platformatic-outage';

/**
 * @platformatic/kafka's stream can only pause as a whole. A paused partition's messages that
 * still arrive wait here instead; past these bounds the whole stream pauses until they drain
 * (so the other partitions wait too, unlike with kafkajs).
 */
const HELD_MESSAGES_HIGH = 1024;
const HELD_BYTES_HIGH = 32 * 1024 * 1024;

interface Held {
  messages: ConsumedMessage[];
  bytes: number;
}

function headersOf(message: Message): KafkaHeaders {
  const headers: KafkaHeaders = {};
  for (const [rawName, value] of message.headerEntries ?? message.headers) {
    const name = rawName.toString();
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else headers[name] = [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return headers;
}

function consumedMessage(message: Message): ConsumedMessage {
  return {
    offset: message.offset.toString(),
    key: message.key && message.key.length > 0 ? message.key : null,
    value: message.value ?? null,
    headers: headersOf(message),
    timestamp: message.timestamp.toString(),
  };
}

function sizeOf(m: ConsumedMessage): number {
  return (m.value?.length ?? 0) + (m.key?.length ?? 0);
}

/** A @platformatic/kafka consumer as the product's GroupConsumer. */
export function platformaticGroupConsumer(
  lib: PlatformaticKafka,
  connection: BaseOptions,
  options: GroupConsumerOptions,
): GroupConsumer {
  const consumer: Consumer = new lib.Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...connection,
    groupId: options.groupId,
    autocommit: false,
    // Short fetch waits keep shutdown quick; a fetch returns at once whenever data is there.
    maxWaitTime: 500,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)),
  });
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  let crashed = false;
  const paused = new Set<string>();
  const held = new Map<string, Held>();
  let heldMessages = 0;
  let heldBytes = 0;
  let streamPausedForHeld = false;
  // Messages of one turn of the event loop, per partition, handed over as one batch each.
  let pending = new Map<string, ConsumedBatch>();
  let flushScheduled = false;

  const keyOf = (topic: string, partition: number) => `${topic}/${partition}`;

  const hold = (key: string, messages: ConsumedMessage[]) => {
    const entry = held.get(key) ?? { messages: [], bytes: 0 };
    for (const m of messages) {
      entry.messages.push(m);
      entry.bytes += sizeOf(m);
      heldMessages++;
      heldBytes += sizeOf(m);
    }
    held.set(key, entry);
    if (!streamPausedForHeld && (heldMessages >= HELD_MESSAGES_HIGH || heldBytes >= HELD_BYTES_HIGH)) {
      streamPausedForHeld = true;
      stream?.pause();
    }
  };

  const release = (key: string): Held | undefined => {
    const entry = held.get(key);
    if (!entry) return undefined;
    held.delete(key);
    heldMessages -= entry.messages.length;
    heldBytes -= entry.bytes;
    if (streamPausedForHeld && heldMessages < HELD_MESSAGES_HIGH / 4 && heldBytes < HELD_BYTES_HIGH / 4) {
      streamPausedForHeld = false;
      stream?.resume();
    }
    return entry;
  };

  const flush = () => {
    flushScheduled = false;
    const batches = pending;
    pending = new Map();
    for (const [key, batch] of batches) {
      if (paused.has(key)) hold(key, batch.messages);
      else options.onBatch(batch);
    }
  };

  const onMessage = (message: Message) => {
    const key = keyOf(message.topic, message.partition);
    let batch = pending.get(key);
    if (!batch) {
      batch = { topic: message.topic, partition: message.partition, highWatermark: '0', messages: [] };
      pending.set(key, batch);
    }
    batch.messages.push(consumedMessage(message));
    // The stream reports no high watermark: the lag counts from what was fetched.
    batch.highWatermark = (message.offset + 1n).toString();
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const crash = (error: Error) => {
    if (crashed) return;
    crashed = true;
    options.onCrash({ error, clientRestarts: false, outage: isPlatformaticOutage(error) });
  };

  consumer.on('consumer:group:join', () => {
    const assignment: Record<string, number[]> = {};
    for (const { topic, partitions } of consumer.assignments ?? []) assignment[topic] = [...partitions];
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => keyOf(t, p))));
    // A partition that moved away is redelivered from its last commit by its new owner.
    for (const key of [...held.keys()]) if (!owned.has(key)) release(key);
    for (const key of [...paused]) if (!owned.has(key)) paused.delete(key);
    options.onAssignment(assignment);
  });

  return {
    async start() {
      try {
        stream = (await consumer.consume({
          topics: options.topics,
          mode: lib.MessagesStreamModes.COMMITTED,
          fallbackMode: options.fromBeginning
            ? lib.MessagesStreamFallbackModes.EARLIEST
            : lib.MessagesStreamFallbackModes.LATEST,
          autocommit: false,
        })) as MessagesStream<Buffer, Buffer, Buffer, Buffer>;
      } catch (err) {
        // Joining fails at once when the cluster is not ready (no group coordinator yet): an
        // outage like any later one, which the owner waits out; anything else fails the start.
        if (!isPlatformaticOutage(err)) throw err;
        crash(err as Error);
        return;
      }
      stream.on('data', onMessage);
      stream.on('error', (err: Error) => crash(err));
    },
    pause(topic, partition) {
      paused.add(keyOf(topic, partition));
    },
    resume(topic, partition) {
      const key = keyOf(topic, partition);
      if (!paused.delete(key)) return;
      const entry = release(key);
      if (entry && entry.messages.length > 0) {
        const last = entry.messages[entry.messages.length - 1];
        options.onBatch({
          topic,
          partition,
          highWatermark: (BigInt(last.offset) + 1n).toString(),
          messages: entry.messages,
        });
      }
    },
    async commit(offsets) {
      await consumer.commit({
        offsets: offsets.map(({ topic, partition, offset }) => ({
          topic,
          partition,
          offset: BigInt(offset),
          // Unknown: the broker then skips its fencing check, as for kafkajs's commits.
          leaderEpoch: -1,
        })),
      });
    },
    async disconnect() {
      crashed = true;
      await consumer.close(true);
    },
  };
}
