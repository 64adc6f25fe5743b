import { readFile } from 'node:fs/promises';
import { Client, Connection, TLSConfig } from '@temporalio/client';
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
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/** One connection + client for the process; close() releases the gRPC channel. */
export async function createTemporalClient(
  config: TemporalConfig,
  address: string,
): Promise<TemporalClientHandle> {
  const connection = await Connection.connect(await temporalConnectionOptions(config, address));
  const client = new Client({ connection, namespace: config.namespace });
  return { connection, client, close: () => connection.close() };
}
