import type { Pool } from 'pg';
import { createKafkaEventPublisher, EventPublisher } from '../clients/event-publisher';
import { createKafkaClient } from '../clients/kafka';
import type { KafkaClient, KafkaProducer } from '../clients/kafka-client';
import { explainKafkaTlsError } from '../clients/kafka-tls-errors';
import { createPgPool } from '../clients/postgres';
import { postgresTlsOptions } from '../clients/postgres-tls';
import { explainPostgresTlsError } from '../clients/postgres-tls-errors';
import { createTemporalClient, TemporalClientHandle } from '../clients/temporal';
import { explainTemporalTlsError } from '../clients/temporal-tls-errors';
import { installTracing, type Tracing } from '../clients/tracing';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { Config } from '../config';
import { kafkaTransportWarnings } from '../config/kafka';
import { migrate } from '../db/migrate';
import type { Logger } from '../logger';
import { LocalStack, ServiceEndpoints, startLocalStack } from '../local-services/local-stack';
import { onExit } from './exit-path';

/** Connections shared by every part of the process (worker, bridge, schedule), closed once. */
export interface ServiceContext {
  config: Config;
  logger: Logger;
  endpoints: ServiceEndpoints;
  pool: Pool;
  kafka: KafkaClient;
  producer: KafkaProducer;
  publisher: EventPublisher;
  temporal: TemporalClientHandle;
  /** The process's tracing (OTEL_*), off unless configured; flushed when the context closes. */
  tracing: Tracing;
  close(): Promise<void>;
}

/**
 * Starts local services for whatever is not configured, applies database migrations and
 * opens the shared connections.
 */
export async function openServiceContext(
  config: Config,
  logger: Logger,
  options: { headless?: boolean } = {},
): Promise<ServiceContext> {
  // Once per process, at start: every Kafka client of the process shares these settings.
  for (const warning of kafkaTransportWarnings(config.kafka)) logger.warn({ component: 'kafka' }, warning);
  const stack: LocalStack = await startLocalStack(config, logger, options);
  const closers: Array<() => Promise<void>> = [() => stack.stop()];
  // However the process ends (signal, crash, main finished), these close with it — once.
  const unregister = onExit('local services and connections', () => close());
  const close = async () => {
    unregister();
    for (const c of closers.splice(0).reverse())
      await c().catch((err: Error) => logger.warn({ err }, 'close failed'));
  };
  try {
    // Closed after everything that makes spans (closers run newest first): its last spans are exported.
    const tracing = installTracing(config.tracing, { logger: logger.child({ component: 'tracing' }) });
    closers.push(() => tracing.shutdown());
    const pool = createPgPool(
      // TLS settings apply to DATABASE_URL only (the local server is loopback, without TLS).
      {
        connectionString: stack.databaseUrl,
        ssl: config.runtime.databaseUrl ? postgresTlsOptions(config.runtime) : undefined,
      },
      (err) => logger.warn({ err: err.message }, 'idle PostgreSQL connection failed'),
    );
    closers.push(() => pool.end());
    const applied = await migrate(pool).catch((err: unknown) => {
      // The first connection is where a wrong CA or host name shows: say which setting to fix.
      throw (config.runtime.databaseUrl && explainPostgresTlsError(err, config.runtime)) || err;
    });
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');

    const kafka = await createKafkaClient(config.kafka, stack.kafkaBrokers, logger);
    const producer = await kafka.createProducer().catch((err: unknown) => {
      throw explainKafkaTlsError(err, config.kafka, stack.kafkaBrokers) ?? err;
    });
    closers.push(() => producer.disconnect());

    // Native: the bridge makes one Temporal call per event, at half the CPU of the Node gRPC client.
    const temporal = await createTemporalClient(config.temporal, stack.temporalAddress, {
      native: true,
      // A video job started by the bridge runs inside its upload event's trace.
      interceptors: tracing.enabled
        ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] }
        : undefined,
    }).catch(async (err: unknown) => {
      throw (await explainTemporalTlsError(config.temporal, stack.temporalAddress)) ?? err;
    });
    closers.push(() => temporal.close());

    return {
      config,
      logger,
      endpoints: stack,
      pool,
      kafka,
      producer,
      publisher: createKafkaEventPublisher(producer),
      temporal,
      tracing,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
