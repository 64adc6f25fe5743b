/** Configuration and a silent logger for running the report activities on temp directories. */
import { Config, loadConfig } from '../../src/config';
import { createLogger, Logger } from '../../src/logger';

export function reportTestDeps(env: NodeJS.ProcessEnv): { config: Config; logger: Logger } {
  const config = loadConfig({ TIME_ZONE: 'UTC', LOG_LEVEL: 'silent', ...env });
  return { config, logger: createLogger({ level: 'silent', pretty: false }) };
}
