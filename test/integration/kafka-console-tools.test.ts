import { Kafka, logLevel } from 'kafkajs';
import { consoleFormatterOption, consoleProducerClass, kafkaTool } from '../helpers/kafka-console';
import { uniqueName } from '../helpers/stack';

describe('Kafka interoperability with the real console tools', () => {
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const kafka = new Kafka({ clientId: 'console-tools-test', brokers, logLevel: logLevel.NOTHING });

  async function createTopic(): Promise<string> {
    const topic = uniqueName('console-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    return topic;
  }

  it('reads with kafkajs what the console producer wrote', async () => {
    const topic = await createTopic();
    const value = JSON.stringify({ event_id: 'from-console', n: 1 });
    await kafkaTool(
      consoleProducerClass(),
      ['--bootstrap-server', brokers[0], '--topic', topic],
      `${value}\n`,
    );

    const consumer = kafka.consumer({ groupId: uniqueName('g') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) });
    });
    await consumer.disconnect();
    expect(received).toBe(value);
  });

  it('reads with the console consumer what kafkajs wrote', async () => {
    const topic = await createTopic();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'model-a', value: 'hello from kafkajs' }] });
    await producer.disconnect();

    const out = await kafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server',
      brokers[0],
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      '1',
      consoleFormatterOption(),
      'print.key=true',
      '--timeout-ms',
      '30000',
    ]);
    expect(out.trim()).toBe('model-a\thello from kafkajs');
  });
});
