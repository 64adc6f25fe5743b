import type { Pool } from 'pg';
import { createKafkaEventPublisher } from '../../src/clients/event-publisher';
import { createKafkaClient } from '../../src/clients/kafka';
import { createPgPool } from '../../src/clients/postgres';
import { TRACING_OFF, type Tracing } from '../../src/clients/tracing';
import { migrate } from '../../src/db/migrate';
import { createLogger, type Logger } from '../../src/logger';
import type { ServiceContext } from '../../src/workers/service-context';
import { RunningWorker, startWorker } from '../../src/workers/worker';
import { BridgeTestEnv, startInProcessBridge } from './bridge-harness';

/** The real worker (guardian workflows and activities) and the real bridge of one test's names. */
export interface ProductOnStack {
  pool: Pool;
  worker: RunningWorker;
  bridge: Awaited<ReturnType<typeof startInProcessBridge>>;
  /** Stops the worker and starts a new one on the same names, as a deploy or a crash does. */
  restartWorker(): Promise<void>;
  /** Audit rows of one guardian subject (a model, or `service:<name>`), oldest first. */
  auditRows(subject: string): Promise<AuditRow[]>;
  close(): Promise<void>;
}

export interface AuditRow {
  event_id: string;
  event_type: string;
  severity: string;
  action: string;
  executed: boolean;
  reason: string;
  details: Record<string, unknown>;
}

/**
 * `tracing`: the process's tracing (an in-memory exporter's, say); default off. `logger`: the
 * process's logger, shared by the worker and the bridge as in `npm start`; default errors only.
 */
export async function startProductOnStack(
  t: BridgeTestEnv,
  tracing: Tracing = TRACING_OFF,
  logger: Logger = createLogger({ level: 'error', pretty: false }),
): Promise<ProductOnStack> {
  const pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
  await migrate(pool);
  const kafka = await createKafkaClient(t.config.kafka, t.config.kafka.brokers!, logger);
  const producer = await kafka.createProducer();
  const ctx = {
    config: t.config,
    logger,
    endpoints: {
      temporalAddress: process.env.TEMPORAL_ADDRESS!,
      kafkaBrokers: process.env.KAFKA_BROKERS!.split(','),
      databaseUrl: process.env.DATABASE_URL!,
    },
    pool,
    kafka,
    producer,
    publisher: createKafkaEventPublisher(producer),
    temporal: { ...t.temporal, close: async () => undefined },
    tracing,
    close: () => producer.disconnect(),
  } as ServiceContext;
  let worker = await startWorker(ctx);
  const bridge = await startInProcessBridge(t, {
    tracer: tracing.enabled ? tracing.tracer : undefined,
    // The worker's root logger, as npm start hands it to the bridge (bridgeDepsFromContext).
    logger,
  });
  return {
    pool,
    get worker() {
      return worker;
    },
    bridge,
    async restartWorker() {
      await worker.shutdown();
      worker = await startWorker(ctx);
    },
    async auditRows(subject) {
      const { rows } = await pool.query(
        `SELECT event_id, event_type, severity, action, executed, reason, details
           FROM guardian_decisions WHERE model_name = $1 ORDER BY decided_at, id`,
        [subject],
      );
      return rows as AuditRow[];
    },
    async close() {
      await bridge.stop();
      await worker.shutdown();
      await producer.disconnect();
      await pool.end();
    },
  };
}
