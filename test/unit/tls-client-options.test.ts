import fs from 'node:fs';
import path from 'node:path';
import { kafkaTlsOptions } from '../../src/clients/kafka-tls-options';
import { saslOptions } from '../../src/clients/kafkajs/kafkajs-sasl';
import { postgresTlsOptions } from '../../src/clients/postgres-tls';
import { temporalConnectionOptions } from '../../src/clients/temporal';
import { ConfigError, loadConfig } from '../../src/config';
import { kafkaTransportWarnings } from '../../src/config/kafka';
import { makeTestCa, TestCa } from '../helpers/test-ca';
import { startTlsServer, tlsHandshake } from '../helpers/tls-probe';

let ca: TestCa;
beforeAll(() => {
  ca = makeTestCa();
});
afterAll(() => ca.remove());

function configError(build: () => unknown): string[] {
  try {
    build();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('Kafka TLS options, against a real TLS listener', () => {
  it('verifies the broker with KAFKA_SSL_CA_PATH, and fails without it or with another CA', async () => {
    const server = await startTlsServer({ cert: ca.serverCert, key: ca.serverKey });
    try {
      const withCa = kafkaTlsOptions(loadConfig({ KAFKA_SSL_CA_PATH: ca.caCert }).kafka);
      expect(await tlsHandshake(server.port, 'localhost', withCa as object)).toBe('ok');
      // KAFKA_SSL alone: the system's CAs, which do not know the test CA.
      const systemCas = kafkaTlsOptions(loadConfig({ KAFKA_SSL: 'true' }).kafka);
      expect(systemCas).toBe(true);
      expect(await tlsHandshake(server.port, 'localhost', {})).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const stranger = kafkaTlsOptions(loadConfig({ KAFKA_SSL_CA_PATH: ca.strangerCaCert }).kafka);
      expect(await tlsHandshake(server.port, 'localhost', stranger as object)).toBe(
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      );
    } finally {
      await server.close();
    }
  });

  it('presents the client certificate a broker that demands mTLS accepts', async () => {
    const server = await startTlsServer({ cert: ca.serverCert, key: ca.serverKey, clientCa: ca.caCert });
    try {
      const mtls = kafkaTlsOptions(
        loadConfig({
          KAFKA_SSL_CA_PATH: ca.caCert,
          KAFKA_SSL_CERT_PATH: ca.clientCert,
          KAFKA_SSL_KEY_PATH: ca.clientKey,
        }).kafka,
      );
      expect(await tlsHandshake(server.port, 'localhost', mtls as object)).toBe('ok');
      expect(server.clientSubjects).toEqual(['mlops-guardian']);
      const noClientCert = kafkaTlsOptions(loadConfig({ KAFKA_SSL_CA_PATH: ca.caCert }).kafka);
      expect(await tlsHandshake(server.port, 'localhost', noClientCert as object)).not.toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('is plain TCP unless asked for', () => {
    expect(kafkaTlsOptions(loadConfig({}).kafka)).toBe(false);
  });
});

describe('PostgreSQL TLS options, against a real TLS listener', () => {
  const db = (extra: NodeJS.ProcessEnv) =>
    postgresTlsOptions(
      loadConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/mlops', ...extra }).runtime,
    );

  it('verify-full checks the chain and the name, verify-ca the chain only, require neither', async () => {
    // A certificate from the right CA, for another host name.
    const server = await startTlsServer({ cert: ca.otherNameCert, key: ca.otherNameKey });
    try {
      const full = db({ DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_PATH: ca.caCert });
      expect(await tlsHandshake(server.port, 'localhost', full as object)).toBe(
        'ERR_TLS_CERT_ALTNAME_INVALID',
      );
      const caOnly = db({ DATABASE_SSL_MODE: 'verify-ca', DATABASE_SSL_CA_PATH: ca.caCert });
      expect(await tlsHandshake(server.port, 'localhost', caOnly as object)).toBe('ok');
      const stranger = db({ DATABASE_SSL_MODE: 'verify-ca', DATABASE_SSL_CA_PATH: ca.strangerCaCert });
      expect(await tlsHandshake(server.port, 'localhost', stranger as object)).toBe(
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      );
      const encryptedOnly = db({ DATABASE_SSL_MODE: 'require' });
      expect(await tlsHandshake(server.port, 'localhost', encryptedOnly as object)).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('verify-full passes for a certificate naming the host; a CA file alone means verify-full', async () => {
    const server = await startTlsServer({ cert: ca.serverCert, key: ca.serverKey });
    try {
      const byDefault = db({ DATABASE_SSL_CA_PATH: ca.caCert });
      expect(byDefault).toMatchObject({ rejectUnauthorized: true });
      expect(await tlsHandshake(server.port, 'localhost', byDefault as object)).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('leaves TLS to the URL when no setting asks, and turns it off with disable', () => {
    expect(db({})).toBeUndefined();
    expect(db({ DATABASE_SSL_MODE: 'disable' })).toBe(false);
  });

  it('refuses settings that contradict each other or the URL', () => {
    const problems = (env: NodeJS.ProcessEnv) => configError(() => loadConfig(env));
    expect(
      problems({
        DATABASE_URL: 'postgres://u:p@h/db?sslmode=require',
        DATABASE_SSL_MODE: 'verify-full',
      }).join(),
    ).toMatch(/DATABASE_URL carries ssl/);
    expect(
      problems({
        DATABASE_URL: 'postgres://u:p@h/db',
        DATABASE_SSL_MODE: 'require',
        DATABASE_SSL_CA_PATH: ca.caCert,
      }).join(),
    ).toMatch(/DATABASE_SSL_MODE=require does not verify/);
    expect(problems({ DATABASE_SSL_MODE: 'verify-full' }).join()).toMatch(/need DATABASE_URL/);
  });
});

describe('Temporal TLS options', () => {
  it('carry the CA, the server name and the client certificate pair', async () => {
    const config = loadConfig({
      TEMPORAL_TLS_CA_PATH: ca.caCert,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_TLS_CERT_PATH: ca.clientCert,
      TEMPORAL_TLS_KEY_PATH: ca.clientKey,
    }).temporal;
    const options = await temporalConnectionOptions(config, '10.0.0.5:7233');
    expect(options.tls).toEqual({
      serverRootCACertificate: fs.readFileSync(ca.caCert),
      serverNameOverride: 'temporal.internal',
      clientCertPair: { crt: fs.readFileSync(ca.clientCert), key: fs.readFileSync(ca.clientKey) },
    });
  });

  it('turn TLS on for a server name alone, and stay plain when nothing asks for TLS', async () => {
    const named = await temporalConnectionOptions(
      loadConfig({ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporal,
      'h:7233',
    );
    expect(named.tls).toEqual({ serverNameOverride: 'temporal.internal' });
    expect((await temporalConnectionOptions(loadConfig({}).temporal, 'h:7233')).tls).toBeUndefined();
    expect(
      (await temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' }).temporal, 'h:7233')).tls,
    ).toBe(true);
  });
});

describe('certificate files that cannot be used', () => {
  it('give a ConfigError naming the setting and the reason', async () => {
    const missing = path.join(ca.dir, 'nope.pem');
    expect(configError(() => kafkaTlsOptions(loadConfig({ KAFKA_SSL_CA_PATH: missing }).kafka))).toEqual([
      `KAFKA_SSL_CA_PATH=${JSON.stringify(missing)} cannot be read (ENOENT): expected a readable PEM file`,
    ]);
    const notPem = path.join(ca.dir, 'server.csr.der');
    fs.writeFileSync(notPem, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    const db = loadConfig({ DATABASE_URL: 'postgres://h/db', DATABASE_SSL_CA_PATH: notPem }).runtime;
    expect(configError(() => postgresTlsOptions(db)).join()).toMatch(
      /^DATABASE_SSL_CA_PATH=.* holds no PEM block/,
    );
    await expect(
      temporalConnectionOptions(loadConfig({ TEMPORAL_TLS_CA_PATH: ca.dir }).temporal, 'h:7233'),
    ).rejects.toThrow(/TEMPORAL_TLS_CA_PATH=.* cannot be read \(EISDIR\)/);
  });

  it('are checked when unreadable (permissions), not only when missing', () => {
    if (process.getuid?.() === 0) return; // root reads any file
    const locked = path.join(ca.dir, 'locked.pem');
    fs.copyFileSync(ca.clientKey, locked);
    fs.chmodSync(locked, 0o000);
    const kafka = loadConfig({ KAFKA_SSL_CERT_PATH: ca.clientCert, KAFKA_SSL_KEY_PATH: locked }).kafka;
    expect(configError(() => kafkaTlsOptions(kafka)).join()).toMatch(
      /^KAFKA_SSL_KEY_PATH=.* cannot be read \(EACCES\)/,
    );
  });
});

describe('Kafka SASL', () => {
  const base = { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };

  it('warns at start when SASL credentials would travel without TLS', () => {
    const warnings = (env: NodeJS.ProcessEnv) => kafkaTransportWarnings(loadConfig(env).kafka);
    expect(warnings({ ...base, KAFKA_SASL_MECHANISM: 'plain' }).join()).toMatch(
      /KAFKA_SASL_MECHANISM=plain without TLS: the SASL password travels in clear/,
    );
    expect(warnings({ ...base, KAFKA_SASL_MECHANISM: 'scram-sha-512' }).join()).toMatch(/without TLS/);
    expect(warnings({ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL: 'true' })).toEqual([]);
    expect(warnings({ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL_CA_PATH: ca.caCert })).toEqual([]);
    expect(warnings({})).toEqual([]);
  });

  it('OAUTHBEARER reads the token file at every authentication', async () => {
    const tokenFile = path.join(ca.dir, 'token');
    fs.writeFileSync(tokenFile, 'first.jwt\n');
    const sasl = saslOptions(
      loadConfig({ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SASL_OAUTHBEARER_TOKEN_PATH: tokenFile }).kafka,
    );
    if (sasl?.mechanism !== 'oauthbearer') throw new Error('expected oauthbearer');
    expect(await sasl.oauthBearerProvider()).toEqual({ value: 'first.jwt' });
    fs.writeFileSync(tokenFile, 'renewed.jwt\n');
    expect(await sasl.oauthBearerProvider()).toEqual({ value: 'renewed.jwt' });
    fs.rmSync(tokenFile);
    await expect(sasl.oauthBearerProvider()).rejects.toThrow(
      /KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=.* cannot be read/,
    );
  });

  it('refuses incomplete settings, naming what is missing', () => {
    const problems = (env: NodeJS.ProcessEnv) => configError(() => loadConfig(env)).join('\n');
    expect(problems({ KAFKA_SASL_MECHANISM: 'oauthbearer' })).toMatch(
      /KAFKA_SASL_OAUTHBEARER_TOKEN_PATH is missing/,
    );
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain' })).toMatch(/KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD/);
    expect(problems({ KAFKA_SSL_CERT_PATH: ca.clientCert })).toMatch(
      /KAFKA_SSL_CERT_PATH and KAFKA_SSL_KEY_PATH/,
    );
  });
});
