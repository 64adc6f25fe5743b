// One Kafka client's raw throughput, in a process of its own (so its CPU and memory are its own):
// produce BENCH_MESSAGES events to a new topic in batches, then read them all back as a new
// consumer group through the product's GroupConsumer, committing as the bridge does.
import { randomUUID } from 'node:crypto';
import { createKafkaClient } from '../../src/clients/kafka';
import type { PartitionOffset } from '../../src/clients/kafka-client';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { endWithParent } from '../lib/bench-child-side';
import { peakRssMiB } from '../lib/results';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const PARTITIONS = 6;
const TIMEOUT_MS = 300_000;

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return Math.round(((user + system) / 1e6) * 100) / 100;
}

async function main(): Promise<void> {
  endWithParent();
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', pretty: false });
  const client = await createKafkaClient(config.kafka, config.kafka.brokers!, logger);
  const topic = `bench-clients-${client.name}-${Date.now().toString(36)}`;
  await client.ensureTopics([{ topic, partitions: PARTITIONS }]);
  const producer = await client.createProducer();

  // Events like the bridge's input: JSON of about 300 bytes, keyed by one of 100 models.
  const event = (n: number) => ({
    key: `model-${n % 100}`,
    value: JSON.stringify({
      event_id: randomUUID(),
      event_type: 'data_drift_detected',
      timestamp: new Date().toISOString(),
      source: 'bench',
      model_name: `model-${n % 100}`,
      model_version: `model-${n % 100}@3`,
      drift_score: (n % 100) / 100,
      affected_features: ['age', 'income', 'region'],
      severity: 'MEDIUM',
    }),
  });
  let cpu = process.cpuUsage();
  let startedAt = Date.now();
  for (let sent = 0; sent < MESSAGES; sent += BATCH) {
    const count = Math.min(BATCH, MESSAGES - sent);
    await producer.send(
      topic,
      Array.from({ length: count }, (_, i) => event(sent + i)),
    );
  }
  const produce = {
    seconds: (Date.now() - startedAt) / 1000,
    messagesPerSecond: Math.round(MESSAGES / ((Date.now() - startedAt) / 1000)),
    cpuSeconds: cpuSecondsSince(cpu),
  };
  await producer.disconnect();

  cpu = process.cpuUsage();
  startedAt = Date.now();
  let received = 0;
  const next = new Map<string, PartitionOffset>();
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const consumer = client.groupConsumer({
    groupId: `${topic}-group`,
    topics: [topic],
    fromBeginning: true,
    sessionTimeoutMs: 30_000,
    partitionsConcurrently: PARTITIONS,
    onBatch: (batch) => {
      received += batch.messages.length;
      const last = batch.messages[batch.messages.length - 1];
      next.set(`${batch.topic}/${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(last.offset) + 1n).toString(),
      });
      if (received >= MESSAGES) done();
    },
    onAssignment: () => undefined,
    onCrash: ({ error }) => console.error('consumer crashed', error),
  });
  // Commits every 100 ms, as the bridge does.
  const committer = setInterval(() => void consumer.commit([...next.values()]).catch(() => undefined), 100);
  await consumer.start();
  const timer = setTimeout(() => done(), TIMEOUT_MS);
  await all;
  clearTimeout(timer);
  const seconds = (Date.now() - startedAt) / 1000;
  clearInterval(committer);
  await consumer.commit([...next.values()]);
  const consume = {
    // From joining the group (the first join included) until every message was handed over.
    seconds,
    messages: received,
    messagesPerSecond: Math.round(received / seconds),
    cpuSeconds: cpuSecondsSince(cpu),
  };
  await consumer.disconnect();
  process.send!(
    { type: 'result', client: client.name, messages: MESSAGES, produce, consume, peakRssMiB: peakRssMiB() },
    () => process.exit(0),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
