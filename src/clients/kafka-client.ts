/**
 * The product's own view of a Kafka client: exactly what the bridge, the dead-letter writer, the
 * event publisher and topic setup use, so the client library behind it is one setting
 * (KAFKA_CLIENT) and nothing else in the product imports a Kafka library.
 */

/** Message headers as both clients read and write them (a repeated header is an array). */
export type KafkaHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: KafkaHeaders;
  /** Epoch milliseconds in decimal; the broker's time when absent. */
  timestamp?: string;
}

export interface KafkaProducer {
  /** Resolves once every in-sync replica has the messages (acks=all); the client retries on its own first. */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  /** The offset in decimal (offsets outgrow a double). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
  /** Epoch milliseconds in decimal. */
  timestamp: string;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  /** The partition's next offset to be written, when fetched (for the lag). */
  highWatermark: string;
  messages: ConsumedMessage[];
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, in decimal. */
  offset: string;
}

export interface GroupConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  /** Partitions whose batches may be handed over at the same time. */
  partitionsConcurrently: number;
  /**
   * Fetched messages of one partition, in offset order. The next fetch continues after them
   * whatever the handler did: offsets are committed only through `commit`.
   */
  onBatch(batch: ConsumedBatch): void;
  /** This member's partitions after a (re-)join of the group. */
  onAssignment(assignment: Record<string, number[]>): void;
  /**
   * The consumer stopped on an error. `clientRestarts`: the client library starts it again on its
   * own. `outage`: the cluster was unreachable or not ready, so a new consumer will work later.
   */
  onCrash(crash: { error: Error; clientRestarts: boolean; outage: boolean }): void;
}

/**
 * A consumer-group member. Its handlers may run before `start` resolves (the first join and fetch
 * happen while it starts), so the handle exists first. Pausing a partition it does not own (any
 * more), or while it is not running, is a no-op.
 */
export interface GroupConsumer {
  /** Connects, joins the group on the topics and starts fetching. */
  start(): Promise<void>;
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Leaves the group and closes the connections. */
  disconnect(): Promise<void>;
}

export type KafkaClientName = 'kafkajs' | 'platformatic';

export interface KafkaClient {
  readonly name: KafkaClientName;
  /** A connected producer; idempotent, so a retried send never writes a message twice. */
  createProducer(): Promise<KafkaProducer>;
  /** A new consumer-group member, not started yet. */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
  /** Creates the missing topics (existing ones stay as they are). */
  ensureTopics(topics: Array<{ topic: string; partitions: number }>): Promise<void>;
}

/** The broker refused a message as larger than it accepts (thrown by `KafkaProducer.send`). */
export class KafkaMessageTooLargeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaMessageTooLargeError';
  }
}
