import { loadConfig, Config } from '../../src/config';

/** The configuration the integration tests share: the local stack started by global-setup. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  for (const name of ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'DATABASE_URL']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run the tests with \`npm test\``);
  }
  return loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...overrides });
}

/** A name no other test (or earlier run) uses: topics, task queues, models. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
