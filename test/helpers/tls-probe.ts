import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** A TLS listener on 127.0.0.1 that records the client certificate's subject of each handshake. */
export async function startTlsServer(options: {
  cert: string;
  key: string;
  /** Require a client certificate signed by this CA. */
  clientCa?: string;
}): Promise<{ port: number; clientSubjects: string[]; close(): Promise<void> }> {
  const clientSubjects: string[] = [];
  const server = tls.createServer(
    {
      cert: fs.readFileSync(options.cert),
      key: fs.readFileSync(options.key),
      ...(options.clientCa
        ? { ca: fs.readFileSync(options.clientCa), requestCert: true, rejectUnauthorized: true }
        : {}),
    },
    (socket) => {
      clientSubjects.push(String(socket.getPeerCertificate().subject?.CN ?? ''));
      socket.end('hello\n');
    },
  );
  // A failed handshake is the client's verdict; the server only stays up.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    clientSubjects,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Connects with exactly the given client options: 'ok' after a verified handshake, else the error code. */
export function tlsHandshake(port: number, host: string, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      ...options,
      host,
      port,
      servername: options.servername ?? (net.isIP(host) ? undefined : host),
    });
    socket.once('secureConnect', () => {
      socket.once('data', () => {
        socket.end();
        resolve('ok');
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}
