import type { ConnectionOptions } from 'node:tls';
import type { RuntimeConfig } from '../config/runtime';
import { readPemFile } from './pem-file';

/**
 * node-postgres's `ssl` option for DATABASE_SSL_MODE / DATABASE_SSL_CA_PATH, with libpq's
 * meaning of each mode. `undefined` leaves TLS to the URL (its ssl/sslmode parameters).
 */
export function postgresTlsOptions(
  config: Pick<RuntimeConfig, 'databaseSslMode' | 'databaseSslCaPath'>,
): ConnectionOptions | false | undefined {
  const { databaseSslCaPath } = config;
  const mode = config.databaseSslMode ?? (databaseSslCaPath ? 'verify-full' : undefined);
  switch (mode) {
    case undefined:
      return undefined;
    case 'disable':
      return false;
    case 'require':
      // Encrypted against eavesdroppers, but anyone on the path can pose as the server.
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return {
        ...caOption(databaseSslCaPath),
        rejectUnauthorized: true,
        // The chain is checked; the name is not (a certificate issued for another host passes).
        checkServerIdentity: () => undefined,
      };
    case 'verify-full':
      return { ...caOption(databaseSslCaPath), rejectUnauthorized: true };
  }
}

function caOption(path: string | undefined): Pick<ConnectionOptions, 'ca'> {
  return path ? { ca: [readPemFile('DATABASE_SSL_CA_PATH', path)] } : {};
}
