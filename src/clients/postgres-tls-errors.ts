import { ConfigError } from '../config';
import type { RuntimeConfig } from '../config/runtime';

/** Node's codes for a certificate chain that does not lead to a trusted CA. */
const UNTRUSTED_CHAIN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

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
  const { code, message } = err as NodeJS.ErrnoException;
  const server = serverOf(config.databaseUrl);
  const mode = config.databaseSslMode ?? (config.databaseSslCaPath ? 'verify-full' : 'the URL’s sslmode');
  const ca = config.databaseSslCaPath
    ? `the CA in DATABASE_SSL_CA_PATH=${JSON.stringify(config.databaseSslCaPath)}`
    : "the system's trusted CAs (set DATABASE_SSL_CA_PATH for a private CA)";
  if (code && UNTRUSTED_CHAIN.has(code)) {
    return new ConfigError([
      `PostgreSQL at ${server} presented a TLS certificate that does not chain to ${ca} (${message}): expected the CA that signed the server's certificate`,
    ]);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new ConfigError([
      `PostgreSQL at ${server} presented a TLS certificate outside its validity (${message})`,
    ]);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new ConfigError([
      `PostgreSQL at ${server} presented a TLS certificate for another host (${message}): DATABASE_SSL_MODE=${mode} checks the name; connect by a name the certificate carries`,
    ]);
  }
  if (/does not support SSL/i.test(message ?? '')) {
    return new ConfigError([
      `PostgreSQL at ${server} does not serve TLS, and DATABASE_SSL_MODE=${mode} requires it: turn ssl on at the server, or set DATABASE_SSL_MODE=disable`,
    ]);
  }
  return undefined;
}
