import { Client, ClientInterceptors, Connection, ConnectionLike, TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config/temporal';
import { readPemFile } from './pem-file';

/** Options both the client Connection and the worker's NativeConnection accept. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/**
 * Connection options for a Temporal frontend: plain, or TLS (verified against the system CAs or
 * TEMPORAL_TLS_CA_PATH, optionally under another server name) with mTLS (cert/key) or an API key.
 */
export async function temporalConnectionOptions(
  config: TemporalConfig,
  address: string,
): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address };
  const tls: TLSConfig = {};
  if (config.tlsCaPath) tls.serverRootCACertificate = readPemFile('TEMPORAL_TLS_CA_PATH', config.tlsCaPath);
  if (config.tlsServerName) tls.serverNameOverride = config.tlsServerName;
  if (config.tlsCertPath && config.tlsKeyPath) {
    tls.clientCertPair = {
      crt: readPemFile('TEMPORAL_TLS_CERT_PATH', config.tlsCertPath),
      key: readPemFile('TEMPORAL_TLS_KEY_PATH', config.tlsKeyPath),
    };
  }
  if (Object.keys(tls).length > 0) options.tls = tls;
  else if (config.tls || config.apiKey) options.tls = true;
  if (config.apiKey) {
    options.apiKey = config.apiKey;
    options.metadata = { 'temporal-namespace': config.namespace };
  }
  return options;
}

export interface TemporalClientHandle {
  connection: ConnectionLike;
  client: Client;
  close(): Promise<void>;
}

export interface TemporalClientOptions {
  /**
   * Use the SDK's native (Rust) connection instead of the Node gRPC one. It spends about half the
   * CPU per call (the bridge makes one per event) and may retry a transient error itself before
   * failing the call, but cannot be aborted early: a call ends at its deadline at the latest.
   * It runs on the process's Temporal runtime, so it is meant for the long-running processes.
   */
  native?: boolean;
  /** E.g. the OpenTelemetry one, so a workflow started by this client joins the caller's trace. */
  interceptors?: ClientInterceptors;
}

/** One connection + client for the process; close() releases the connection. */
export async function createTemporalClient(
  config: TemporalConfig,
  address: string,
  options: TemporalClientOptions = {},
): Promise<TemporalClientHandle> {
  const connectionOptions = await temporalConnectionOptions(config, address);
  const connection: ConnectionLike = options.native
    ? await NativeConnection.connect(connectionOptions)
    : await Connection.connect(connectionOptions);
  const client = new Client({ connection, namespace: config.namespace, interceptors: options.interceptors });
  return { connection, client, close: () => connection.close() };
}
