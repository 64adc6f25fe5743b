import { z } from 'zod';
import {
  booleanFlag,
  ianaTimeZone,
  parseSettings,
  port,
  postgresUrl,
  setting,
  SettingsValues,
} from './setting';

export const runtimeSettings = {
  databaseUrl: setting({
    env: 'DATABASE_URL',
    schema: postgresUrl.optional(),
    description:
      'PostgreSQL for the audit trail, video detections and the built-in model registry. Unset: a local server is started.',
    expects: 'a postgres:// URL, e.g. postgres://user:pass@localhost:5432/mlops',
    secret: true,
  }),
  localPostgresPort: setting({
    env: 'LOCAL_POSTGRES_PORT',
    schema: port.default(54329),
    description: 'Port of the local PostgreSQL started when DATABASE_URL is unset.',
    expects: 'a TCP port (1-65535)',
    defaultText: '54329',
  }),
  localServicesDir: setting({
    env: 'LOCAL_SERVICES_DIR',
    schema: z.string().min(1).default('.services/data'),
    description: 'Where local services keep their data (Temporal history, Kafka log, PostgreSQL).',
    expects: 'a directory path',
    defaultText: '.services/data',
  }),
  timeZone: setting({
    env: 'TIME_ZONE',
    schema: ianaTimeZone.default('UTC'),
    description: 'IANA time zone for business hours, maintenance windows and report dates.',
    expects: 'an IANA time zone, e.g. UTC or Europe/Berlin',
    defaultText: 'UTC',
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    description: 'Minimum log level.',
    expects: 'one of trace, debug, info, warn, error, fatal, silent',
    defaultText: 'info',
  }),
  logPretty: setting({
    env: 'LOG_PRETTY',
    schema: booleanFlag.default(false),
    description: 'Human-readable coloured logs instead of JSON lines (for a terminal).',
    expects: 'true or false',
    defaultText: 'false',
  }),
};

export type RuntimeConfig = SettingsValues<typeof runtimeSettings>;

export function parseRuntimeConfig(env: NodeJS.ProcessEnv) {
  return parseSettings(runtimeSettings, env);
}
