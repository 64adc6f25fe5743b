import path from 'node:path';
import { Config, loadConfig } from '../../src/config';
import { createLogger, Logger } from '../../src/logger';
import { freeLocalServicePorts } from '../../src/local-services/ports';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import { openServiceContext, ServiceContext } from '../../src/workers/service-context';

/** Where a benchmark's local services keep their data. */
export function benchDataDir(name: string): string {
  return path.join(PROJECT_ROOT, '.services', 'bench-data', name);
}

/**
 * A service context for a benchmark: a fresh local stack on free ports (or the services in
 * TEMPORAL_ADDRESS / KAFKA_BROKERS / DATABASE_URL), headless.
 */
export async function openBenchContext(
  name: string,
  overrides: NodeJS.ProcessEnv = {},
): Promise<{ ctx: ServiceContext; config: Config; logger: Logger }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_SERVICES_DIR: benchDataDir(name),
    ...(await freeLocalServicePorts()),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...overrides,
  };
  const config = loadConfig(env);
  const logger = createLogger({ level: config.runtime.logLevel, pretty: false });
  const ctx = await openServiceContext(config, logger, { headless: true });
  return { ctx, config, logger };
}
