import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { allTopics } from '../config/kafka';
import { createKafkaClient } from '../clients/kafka';
import type { Logger } from '../logger';
import { startKafkaBroker } from './kafka-broker';
import { startPostgresServer } from './postgres-server';
import { PROJECT_ROOT } from './provision';
import { startTemporalDevServer } from './temporal-dev-server';

/** Partitions of each topic on the local broker: a few, so a second bridge has partitions to take over. */
const LOCAL_TOPIC_PARTITIONS = 4;

/** Where each service is, whether we started it or it was configured. */
export interface ServiceEndpoints {
  temporalAddress: string;
  temporalUiUrl?: string;
  kafkaBrokers: string[];
  databaseUrl: string;
}

export interface LocalStack extends ServiceEndpoints {
  /** Names of the services this process started (and will stop). */
  started: string[];
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** No Temporal Web UI (tests). */
  headless?: boolean;
  /**
   * PostgreSQL without fsync: quicker, and a crash of the machine can corrupt its data. Only the
   * test run's throwaway stack asks for it; `npm start` keeps its audit trail durable.
   */
  postgresWithoutFsync?: boolean;
}

/**
 * Starts the local Temporal dev server, Kafka and PostgreSQL for every one of them that is
 * not configured (TEMPORAL_ADDRESS, KAFKA_BROKERS, DATABASE_URL), and creates our topics.
 */
export async function startLocalStack(
  config: Config,
  logger: Logger,
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const dataDir = path.resolve(PROJECT_ROOT, config.runtime.localServicesDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      logger.info({ localService: name }, 'stopping local service');
      await stop().catch((err: Error) =>
        logger.warn({ localService: name, err }, 'stopping local service failed'),
      );
    }
  };

  try {
    const started = await Promise.allSettled([
      config.temporal.address
        ? undefined
        : startTemporalDevServer({
            dataDir,
            port: config.temporal.localPort,
            uiPort: config.temporal.localUiPort,
            headless: options.headless,
          }).then((s) => {
            stops.push({ name: 'temporal', stop: () => s.process.stop() });
            logger.info(
              { address: s.address, pid: s.process.pid, ui: s.uiUrl },
              'local Temporal dev server ready',
            );
            return s;
          }),
      config.kafka.brokers
        ? undefined
        : startKafkaBroker({ dataDir, port: config.kafka.localPort }).then((s) => {
            stops.push({ name: 'kafka', stop: () => s.process.stop() });
            logger.info({ brokers: s.brokers, pid: s.process.pid }, 'local Kafka broker ready');
            return s;
          }),
      config.runtime.databaseUrl
        ? undefined
        : startPostgresServer({
            dataDir,
            port: config.runtime.localPostgresPort,
            fsync: !options.postgresWithoutFsync,
          }).then((s) => {
            stops.push({ name: 'postgres', stop: () => s.stop() });
            if (s.fallbackFrom) {
              logger.warn(
                { ...s.fallbackFrom, dataDir: s.dataDir },
                `the 'postgres' user cannot enter ${s.fallbackFrom.blockedAt}: PostgreSQL keeps this run's data in ${s.dataDir}, removed on stop`,
              );
            }
            logger.info(
              { port: config.runtime.localPostgresPort, pid: s.pid, dataDir: s.dataDir },
              'local PostgreSQL ready',
            );
            return s;
          }),
    ]);
    // Wait for every start to settle before giving up on one: a service still starting when
    // another failed would otherwise be left running.
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [temporal, kafka, postgres] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      Awaited<ReturnType<typeof startTemporalDevServer>> | undefined,
      Awaited<ReturnType<typeof startKafkaBroker>> | undefined,
      Awaited<ReturnType<typeof startPostgresServer>> | undefined,
    ];

    const endpoints: ServiceEndpoints = {
      temporalAddress: config.temporal.address ?? temporal!.address,
      temporalUiUrl: temporal?.uiUrl,
      kafkaBrokers: config.kafka.brokers ?? kafka!.brokers,
      databaseUrl: config.runtime.databaseUrl ?? postgres!.databaseUrl,
    };
    if (kafka) {
      const client = await createKafkaClient(config.kafka, endpoints.kafkaBrokers, logger);
      await client.ensureTopics(
        allTopics(config.kafka).map((topic) => ({ topic, partitions: LOCAL_TOPIC_PARTITIONS })),
      );
    }
    return { ...endpoints, started: stops.map((s) => s.name), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
