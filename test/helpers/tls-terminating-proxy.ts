import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/**
 * A TLS front for a plain TCP server (Temporal's dev server serves no TLS), on 127.0.0.1: what a
 * load balancer or an ingress does in production. gRPC over TLS negotiates HTTP/2 by ALPN and
 * then speaks it exactly as over a plain connection, so the bytes are passed on as they are.
 * Records the client certificate's subject of each accepted connection.
 */
export async function startTlsTerminatingProxy(options: {
  target: string;
  cert: string;
  key: string;
  /** Require a client certificate signed by this CA. */
  clientCa?: string;
}): Promise<{ port: number; clientSubjects: string[]; close(): Promise<void> }> {
  const [targetHost, targetPort] = [
    options.target.slice(0, options.target.lastIndexOf(':')),
    Number(options.target.slice(options.target.lastIndexOf(':') + 1)),
  ];
  const clientSubjects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: fs.readFileSync(options.cert),
      key: fs.readFileSync(options.key),
      ALPNProtocols: ['h2'],
      ...(options.clientCa
        ? { ca: fs.readFileSync(options.clientCa), requestCert: true, rejectUnauthorized: true }
        : {}),
    },
    (client) => {
      clientSubjects.push(String(client.getPeerCertificate().subject?.CN ?? ''));
      const upstream = net.connect({ host: targetHost, port: targetPort });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    },
  );
  // A refused handshake is the client's to report; the proxy only stays up.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    clientSubjects,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
