import type { ConnectionOptions } from 'node:tls';
import { Pool, PoolConfig } from 'pg';

export interface PostgresOptions {
  connectionString: string;
  connectTimeoutMs?: number;
  max?: number;
  /** TLS (postgresTlsOptions); undefined leaves it to the URL's parameters. */
  ssl?: ConnectionOptions | false;
}

/** A pg pool; call pool.end() to close it. Idle-client errors are reported, never thrown. */
export function createPgPool(options: PostgresOptions, onError?: (err: Error) => void): Pool {
  const config: PoolConfig = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    max: options.max ?? 10,
  };
  if (options.ssl !== undefined) config.ssl = options.ssl;
  const pool = new Pool(config);
  // Without a listener an idle client's error (server restart) would crash the process.
  pool.on('error', (err) => onError?.(err));
  return pool;
}

/**
 * The pool of the video activities: the same database as `shared`, with the video connect
 * timeout (VIDEO_DB_CONNECT_TIMEOUT_SECONDS) so an unreachable database fails a save quickly.
 */
export function createVideoPool(
  shared: Pool,
  connectTimeoutSeconds: number,
  onError?: (err: Error) => void,
): Pool {
  const pool = new Pool({
    ...shared.options,
    connectionTimeoutMillis: connectTimeoutSeconds * 1000,
    max: 4,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  });
  pool.on('error', (err) => onError?.(err));
  return pool;
}
