import path from 'node:path';
import type { Pool } from 'pg';
import { createPgPool } from '../clients/postgres';
import { postgresTlsOptions } from '../clients/postgres-tls';
import type { Config } from '../config';
import { localPostgresUrl } from '../local-services/postgres-password';
import { PROJECT_ROOT } from '../local-services/provision';
import { scrubCredentialPatterns } from '../redaction/secret-scrubber';

/** The database `npm start` runs when DATABASE_URL is unset, with its generated password. */
export function localDatabaseUrl(config: Config): string {
  const stateDir = path.join(path.resolve(PROJECT_ROOT, config.runtime.localServicesDir), 'postgres');
  return localPostgresUrl(stateDir, config.runtime.localPostgresPort, 'mlops');
}

/** One connection to the PostgreSQL of DATABASE_URL (unset: the local one), for a CLI command. */
export function cliPool(config: Config): Pool {
  const url = config.runtime.databaseUrl ?? localDatabaseUrl(config);
  return createPgPool({ connectionString: url, max: 1, ssl: postgresTlsOptions(config.runtime) });
}

/** Where the CLI looked for PostgreSQL, for an error message (never with credentials). */
export function databaseWhere(config: Config): string {
  return scrubCredentialPatterns(
    config.runtime.databaseUrl
      ? 'DATABASE_URL'
      : `the local PostgreSQL on 127.0.0.1:${config.runtime.localPostgresPort} (DATABASE_URL is not set)`,
  );
}
