import fs from 'node:fs';
import tls from 'node:tls';
import { explainKafkaTlsError } from '../../src/clients/kafka-tls-errors';
import { postgresTlsOptions } from '../../src/clients/postgres-tls';
import { explainPostgresTlsError } from '../../src/clients/postgres-tls-errors';
import { loadConfig } from '../../src/config';
import { makeTestCa, TestCa } from '../helpers/test-ca';
import { startTlsServer } from '../helpers/tls-probe';

let ca: TestCa;
beforeAll(() => {
  ca = makeTestCa();
});
afterAll(() => ca.remove());

/** The error a real handshake with these client options ends in, wrapped as client libraries do. */
function handshakeError(port: number, options: tls.ConnectionOptions): Promise<Error> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...options, host: '127.0.0.1', port });
    // With TLS 1.3 the server's verdict on our certificate may come after the client's handshake:
    // only the listener's greeting proves it accepted.
    socket.once('data', () => {
      socket.destroy();
      reject(new Error('expected the handshake to fail'));
    });
    socket.once('close', () => reject(new Error('the connection closed without a TLS error')));
    socket.once('error', (err) => resolve(new Error(`Connection error: ${err.message}`, { cause: err })));
  });
}

describe('TLS verification failures, read from real handshakes', () => {
  it('PostgreSQL: a certificate for another host names DATABASE_SSL_MODE, not the CA', async () => {
    const server = await startTlsServer({ cert: ca.otherNameCert, key: ca.otherNameKey });
    try {
      const runtime = loadConfig({
        DATABASE_URL: 'postgres://u:secret-pw@127.0.0.1:5432/mlops',
        DATABASE_SSL_MODE: 'verify-full',
        DATABASE_SSL_CA_PATH: ca.caCert,
      }).runtime;
      const err = await handshakeError(server.port, postgresTlsOptions(runtime) as tls.ConnectionOptions);
      const explained = explainPostgresTlsError(err, runtime);
      expect(explained?.problems).toEqual([
        expect.stringMatching(
          /^PostgreSQL at 127\.0\.0\.1:5432 presented a TLS certificate for another host \(.*\): DATABASE_SSL_MODE=verify-full checks the name/,
        ),
      ]);
      expect(explained?.message).not.toContain('secret-pw');
    } finally {
      await server.close();
    }
  });

  it('Kafka: a listener that requires a client certificate names the settings to set', async () => {
    const server = await startTlsServer({ cert: ca.serverCert, key: ca.serverKey, clientCa: ca.caCert });
    try {
      const kafka = loadConfig({ KAFKA_SSL_CA_PATH: ca.caCert }).kafka;
      const err = await handshakeError(server.port, { ca: fs.readFileSync(ca.caCert) });
      expect(explainKafkaTlsError(err, kafka, ['127.0.0.1:9093'])?.problems).toEqual([
        'Kafka at 127.0.0.1:9093 requires a client certificate (TLS alert from the server: certificate required): set KAFKA_SSL_CERT_PATH and KAFKA_SSL_KEY_PATH',
      ]);
    } finally {
      await server.close();
    }
  });

  it('leaves other errors alone', () => {
    const runtime = loadConfig({ DATABASE_URL: 'postgres://u:p@h:5432/db' }).runtime;
    expect(
      explainPostgresTlsError(new Error('connect ECONNREFUSED 127.0.0.1:5432'), runtime),
    ).toBeUndefined();
    expect(
      explainKafkaTlsError(new Error('Connection timeout'), loadConfig({}).kafka, ['h:9092']),
    ).toBeUndefined();
  });
});
