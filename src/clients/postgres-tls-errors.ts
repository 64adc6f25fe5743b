import { ConfigError } from '../config';
import type { RuntimeConfig } from '../config/runtime';
import { tlsVerificationFailure } from './tls-verification-failure';

type TlsSettings = Pick<RuntimeConfig, 'databaseUrl' | 'databaseSslMode' | 'databaseSslCaPath'>;

/** host:port of the URL, never its credentials. */
function serverOf(databaseUrl: string | undefined): string {
  try {
    return databaseUrl ? new URL(databaseUrl).host : 'the configured server';
  } catch {
    return 'the configured server';
  }
}

/**
 * The first connection's TLS failure as the setting a person must change: Node reports only
 * "unable to verify the first certificate" or a host-name mismatch, naming neither the server
 * nor DATABASE_SSL_CA_PATH. Undefined for errors that are not about TLS verification.
 */
export function explainPostgresTlsError(err: unknown, config: TlsSettings): ConfigError | undefined {
  const server = serverOf(config.databaseUrl);
  const mode = config.databaseSslMode ?? (config.databaseSslCaPath ? 'verify-full' : 'the URL’s sslmode');
  const ca = config.databaseSslCaPath
    ? `the CA in DATABASE_SSL_CA_PATH=${JSON.stringify(config.databaseSslCaPath)}`
    : "the system's trusted CAs (set DATABASE_SSL_CA_PATH for a private CA)";
  const failure = tlsVerificationFailure(err);
  switch (failure?.kind) {
    case 'untrusted-chain':
      return new ConfigError([
        `PostgreSQL at ${server} presented a TLS certificate that does not chain to ${ca} (${failure.detail}): expected the CA that signed the server's certificate`,
      ]);
    case 'outside-validity':
      return new ConfigError([
        `PostgreSQL at ${server} presented a TLS certificate outside its validity (${failure.detail})`,
      ]);
    case 'wrong-host':
      return new ConfigError([
        `PostgreSQL at ${server} presented a TLS certificate for another host (${failure.detail}): DATABASE_SSL_MODE=${mode} checks the name; connect by a name the certificate carries`,
      ]);
  }
  if (/does not support SSL/i.test((err as Error | undefined)?.message ?? '')) {
    return new ConfigError([
      `PostgreSQL at ${server} does not serve TLS, and DATABASE_SSL_MODE=${mode} requires it: turn ssl on at the server, or set DATABASE_SSL_MODE=disable`,
    ]);
  }
  return undefined;
}
