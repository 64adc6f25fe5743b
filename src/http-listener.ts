import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where an HTTP server of ours listens, and how to stop it. */
export interface HttpListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts `server` on host:port with bounded timeouts: a slow or idle client must not pin the
 * process open at shutdown, nor hold a socket for long. Rejects when the port cannot be taken.
 * Shared by the bridge's and the worker's endpoints.
 */
export async function listenBounded(server: http.Server, host: string, port: number): Promise<HttpListener> {
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
