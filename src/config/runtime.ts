import { z } from 'zod';
import {
  booleanFlag,
  ianaTimeZone,
  parseSettings,
  port,
  positiveInt,
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
  databaseSslMode: setting({
    env: 'DATABASE_SSL_MODE',
    schema: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional(),
    description:
      "TLS to DATABASE_URL, as libpq's sslmode: disable; require (encrypted, the server is not verified); verify-ca (its certificate chains to DATABASE_SSL_CA_PATH or the system CAs); verify-full (and names the URL's host). Unset: verify-full when DATABASE_SSL_CA_PATH is set, otherwise whatever the URL says (ssl/sslmode parameters, read by node-postgres: its sslmode=require verifies like verify-full).",
    expects: 'one of disable, require, verify-ca, verify-full',
  }),
  databaseSslCaPath: setting({
    env: 'DATABASE_SSL_CA_PATH',
    schema: z.string().optional(),
    description:
      "CA certificates (PEM) the PostgreSQL server's certificate must chain to (verify-ca, verify-full), instead of the system's trusted CAs.",
    expects: 'a path to a PEM file',
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
  logFileDir: setting({
    env: 'LOG_FILE_DIR',
    schema: z.string().min(1).optional(),
    description:
      "Also write the product's own logs (JSON lines, performance records included) to size-rotated files here: mlops-guardian.log (mlops-guardian-bridge.log for a bridge of its own), and errors once more in mlops-guardian-errors.log. Unset: standard output only. `npm start` sets it to logs.",
    expects: 'a directory path',
  }),
  logFileMaxMb: setting({
    env: 'LOG_FILE_MAX_MB',
    schema: positiveInt.default(10),
    description: 'Size at which a log file under LOG_FILE_DIR is rotated (renamed to .log.1, .log.2, …).',
    expects: 'a positive number of MiB',
    defaultText: '10',
  }),
  logFileCount: setting({
    env: 'LOG_FILE_COUNT',
    schema: positiveInt.default(5),
    description:
      'Rotated files kept beside the one being written, for the log and for the error log; older ones are deleted.',
    expects: 'a positive integer',
    defaultText: '5',
  }),
};

export type RuntimeConfig = SettingsValues<typeof runtimeSettings>;

export function parseRuntimeConfig(env: NodeJS.ProcessEnv) {
  const result = parseSettings(runtimeSettings, env);
  const { databaseUrl, databaseSslMode, databaseSslCaPath } = result.values;
  if (databaseSslMode || databaseSslCaPath) {
    if (!databaseUrl) {
      result.errors.push(
        'DATABASE_SSL_MODE / DATABASE_SSL_CA_PATH need DATABASE_URL: the local PostgreSQL of `npm start` serves no TLS',
      );
    } else if (urlSetsTls(databaseUrl)) {
      // node-postgres lets URL parameters override the ssl option: one place must decide.
      result.errors.push(
        'DATABASE_URL carries ssl/sslmode/sslrootcert parameters and DATABASE_SSL_MODE or DATABASE_SSL_CA_PATH is set too: expected TLS set in one place (preferably the settings)',
      );
    }
  }
  if (databaseSslCaPath && (databaseSslMode === 'disable' || databaseSslMode === 'require')) {
    result.errors.push(
      `DATABASE_SSL_CA_PATH is set but DATABASE_SSL_MODE=${databaseSslMode} does not verify the server: expected verify-ca or verify-full`,
    );
  }
  return result;
}

function urlSetsTls(url: string): boolean {
  try {
    return [...new URL(url).searchParams.keys()].some((key) => key.toLowerCase().startsWith('ssl'));
  } catch {
    return false;
  }
}
