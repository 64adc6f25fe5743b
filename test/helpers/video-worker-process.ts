// A video worker in a process of its own, so a test can SIGKILL it in the middle of a detection.
// Settings come from the environment like the product's; VIDEO_TEST_TASK_QUEUE and
// VIDEO_TEST_BUNDLE (a pre-built workflow bundle) are given by the test.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createVideoActivities } from '../../src/activities/video';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import { createPgPool, createVideoPool } from '../../src/clients/postgres';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'warn', pretty: false });
  const pool = createPgPool({ connectionString: config.runtime.databaseUrl! }, () => undefined);
  const producer = await (
    await createKafkaClient(config.kafka, config.kafka.brokers!, logger)
  ).createProducer();
  const connection = await NativeConnection.connect({ address: config.temporal.address! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.VIDEO_TEST_TASK_QUEUE!,
    workflowBundle: { codePath: process.env.VIDEO_TEST_BUNDLE! },
    activities: createVideoActivities({
      config,
      logger,
      pool,
      videoPool: createVideoPool(pool, config.video.dbConnectTimeoutSeconds),
      publisher: createKafkaEventPublisher(producer),
    }),
  });
  const running = worker.run();
  process.stdout.write('video-worker-ready\n');
  await running;
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
