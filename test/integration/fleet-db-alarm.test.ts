import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { temporalFailureCounter } from '../../src/activities/video/fleet-failure-count';
import { createFleetAlarmActivities } from '../../src/activities/video/raise-fleet-alarm';
import { createConfiguredAlertSender } from '../../src/backends/alerts';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { startScriptedReceiver } from '../helpers/fake-alert-receivers';
import { testConfig, uniqueName } from '../helpers/stack';
import { eventually } from '../helpers/video-harness';
import { workflowBundle } from '../helpers/workflow-bundle';

jest.setTimeout(120_000);

describe('the DB-failure alarm counts over the whole fleet', () => {
  it('alarms once when two workers see two PostgreSQL connection failures each (3 allowed in 5 min)', async () => {
    const receiver = await startScriptedReceiver([{ status: 200, body: {} }]);
    const config = testConfig({ ALERT_JSON_WEBHOOK_URL: receiver.hookUrl });
    const logger = createLogger({ level: 'silent', pretty: false });
    const pool: Pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
    const producer = await (
      await createKafkaClient(config.kafka, process.env.KAFKA_BROKERS!.split(','), logger)
    ).createProducer();
    const metrics = new WorkerMetrics();
    const sender = createConfiguredAlertSender(config, pool, logger, metrics);
    const taskQueue = uniqueName('fleet-alarm');
    const native = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: await workflowBundle(require.resolve('../../src/workflows/fleet-alarms')),
      activities: createFleetAlarmActivities({
        publisher: createKafkaEventPublisher(producer),
        alertsTopic: config.kafka.topicAlerts,
        alertSender: sender,
        workerMetrics: metrics,
        log: logger,
      }),
    });
    const running = worker.run();
    // Two worker processes as the fleet has them: each its own Temporal connection and identity.
    const connections = await Promise.all(
      [1, 2].map(() => Connection.connect({ address: process.env.TEMPORAL_ADDRESS! })),
    );
    const [a, b] = connections.map((connection, i) =>
      temporalFailureCounter({
        taskQueue,
        threshold: 3,
        windowMinutes: 5,
        reporter: `video-worker-${i + 1}:${1000 + i}`,
        client: () => new Client({ connection }),
      }),
    );
    try {
      for (const counter of [a, b, a]) await counter.report('connect ECONNREFUSED 127.0.0.1:5432');
      await b.report('Connection terminated unexpectedly');
      await eventually('the fleet alarm at the webhook', () => receiver.requests.length > 0, 60_000);
      expect(receiver.requests).toHaveLength(1);
      const [alarm] = (receiver.requests[0].body as { alerts: Array<Record<string, unknown>> }).alerts;
      expect(alarm).toMatchObject({
        kind: 'db_connection_failures',
        priority: 'critical',
        subject: `fleet-alarm:db-connection-failures:${taskQueue}`,
        details: { failures: 4, windowMinutes: 5, reporters: ['video-worker-1:1000', 'video-worker-2:1001'] },
      });
      expect(String(alarm.message)).toMatch(/Latest: Connection terminated unexpectedly/);
      // Counted once the webhook has answered, a moment after the receiver saw the request.
      await eventually(
        'the webhook delivery counted',
        () => metrics.render().includes('alarms_sent_total{channel="webhook",source="video"} 1'),
        30_000,
      );
    } finally {
      worker.shutdown();
      await running.catch(() => undefined);
      await native.close();
      await Promise.all(connections.map((c) => c.close()));
      sender.close();
      await producer.disconnect();
      await pool.end();
      await receiver.close();
    }
  });
});
