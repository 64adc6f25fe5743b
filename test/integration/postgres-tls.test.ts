import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDecisionHistory, writeDecision } from '../../src/backends/audit/decision-log';
import { ConfigError } from '../../src/config';
import { createLogger } from '../../src/logger';
import { findFreePort } from '../../src/local-services/ports';
import { PostgresServer, startPostgresServer } from '../../src/local-services/postgres-server';
import { openServiceContext } from '../../src/workers/service-context';
import { testConfig, uniqueName } from '../helpers/stack';
import { makeTestCa, TestCa } from '../helpers/test-ca';

/**
 * DATABASE_SSL_MODE and DATABASE_SSL_CA_PATH against a real PostgreSQL serving TLS (ssl=on) with
 * a certificate from a CA the test makes with openssl, through the product's own start-up path.
 */
describe('PostgreSQL over TLS (a real server with a test CA)', () => {
  let ca: TestCa;
  let dir: string;
  let server: PostgresServer | undefined;
  const logger = createLogger({ level: 'silent', pretty: false });

  beforeAll(async () => {
    ca = makeTestCa();
    // Under the system temporary directory: the `postgres` user (as root) can enter it.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-tls-'));
    fs.chmodSync(dir, 0o755);
    server = await startPostgresServer({
      dataDir: dir,
      port: await findFreePort(),
      fsync: false,
      tls: { certFile: ca.serverCert, keyFile: ca.serverKey },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    ca?.remove();
  });

  /** The start-up error of the product's service context with these database settings. */
  async function startError(env: NodeJS.ProcessEnv): Promise<Error> {
    const ctx = await openServiceContext(testConfig(env), logger, { headless: true }).catch(
      (err: Error) => err,
    );
    if (ctx instanceof Error) return ctx;
    await ctx.close();
    throw new Error('expected the start to fail');
  }

  it('connects with verify-full and the CA, over TLS, and writes an audit row', async () => {
    const ctx = await openServiceContext(
      testConfig({
        DATABASE_URL: server!.databaseUrl,
        DATABASE_SSL_MODE: 'verify-full',
        DATABASE_SSL_CA_PATH: ca.caCert,
      }),
      logger,
      { headless: true },
    );
    try {
      const model = uniqueName('tls-audit');
      const written = await writeDecision(ctx.pool, {
        modelName: model,
        eventId: 'evt-1',
        eventType: 'data_drift_detected',
        severity: 'HIGH',
        action: 'RETRAIN',
        executed: true,
        reason: 'written over TLS',
        decidedAt: new Date().toISOString(),
        details: {},
      });
      expect(written).toBe(true);
      expect((await readDecisionHistory(ctx.pool, model, 10)).map((d) => d.reason)).toEqual([
        'written over TLS',
      ]);
      const { rows } = await ctx.pool.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      expect(rows).toEqual([{ ssl: true }]);
    } finally {
      await ctx.close();
    }
  });

  it('names the server and DATABASE_SSL_CA_PATH when the CA did not sign its certificate', async () => {
    const err = await startError({
      DATABASE_URL: server!.databaseUrl,
      DATABASE_SSL_MODE: 'verify-full',
      DATABASE_SSL_CA_PATH: ca.strangerCaCert,
    });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(
      `PostgreSQL at 127.0.0.1:${new URL(server!.databaseUrl).port} presented a TLS certificate that does not chain to the CA in DATABASE_SSL_CA_PATH=${JSON.stringify(ca.strangerCaCert)}`,
    );
    // The URL's password is a secret: the message names host and port only.
    expect(err.message).not.toContain(new URL(server!.databaseUrl).password);
  });

  it('says the server does not serve TLS when verify-full meets one without it', async () => {
    // The shared test stack's PostgreSQL runs without TLS.
    const err = await startError({
      DATABASE_URL: process.env.DATABASE_URL,
      DATABASE_SSL_MODE: 'verify-full',
      DATABASE_SSL_CA_PATH: ca.caCert,
    });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/does not serve TLS, and DATABASE_SSL_MODE=verify-full requires it/);
  });
});
