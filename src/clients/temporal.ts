import { readFile } from 'node:fs/promises';
import { Client, Connection, ConnectionLike, TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config/temporal';

/** Options both the client Connection and the worker's NativeConnection accept. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** Connection options for a Temporal frontend: plain, mTLS (cert/key) or API key. */
export async function temporalConnectionOptions(
  config: TemporalConfig,
  address: string,
): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address };
  if (config.tlsCertPath && config.tlsKeyPath) {
    options.tls = {
      clientCertPair: {
        crt: await readFile(config.tlsCertPath),
        key: await readFile(config.tlsKeyPath),
      },
    };
  } else if (config.tls || config.apiKey) {
    options.tls = true;
  }
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
  const client = new Client({ connection, namespace: config.namespace });
  return { connection, client, close: () => connection.close() };
}
