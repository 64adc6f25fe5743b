import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort } from '../../src/local-services/ports';
import { postgresPasswordFile } from '../../src/local-services/postgres-password';
import { startPostgresServer } from '../../src/local-services/postgres-server';

async function query(url: string, sql: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(sql);
    return Object.values(rows[0])[0];
  } finally {
    await client.end();
  }
}

describe('the local PostgreSQL of npm start', () => {
  let dir: string;
  beforeEach(() => {
    // Under the system temporary directory: the `postgres` user (as root) can enter it.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-pg-auth-'));
    fs.chmodSync(dir, 0o755);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('asks for the generated password (0600 file), and keeps fsync on', async () => {
    const port = await findFreePort();
    const server = await startPostgresServer({ dataDir: dir, port });
    try {
      const file = postgresPasswordFile(path.join(dir, 'postgres'));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const password = fs.readFileSync(file, 'utf8').trim();
      expect(server.databaseUrl).toBe(`postgres://postgres:${password}@127.0.0.1:${port}/mlops`);
      expect(await query(server.databaseUrl, 'SHOW fsync')).toBe('on');
      expect(await query(server.databaseUrl, 'SHOW password_encryption')).toBe('scram-sha-256');
      await expect(query(`postgres://postgres@127.0.0.1:${port}/mlops`, 'SELECT 1')).rejects.toThrow(
        /password/,
      );
      await expect(query(`postgres://postgres:wrong@127.0.0.1:${port}/mlops`, 'SELECT 1')).rejects.toThrow(
        /password authentication failed/,
      );
    } finally {
      await server.stop();
    }
  });

  it('turns a data directory that trusted everyone into one that asks for the password', async () => {
    const port = await findFreePort();
    const first = await startPostgresServer({ dataDir: dir, port, fsync: false });
    // As an earlier version left it: trust for every connection.
    const pgData = path.join(first.dataDir, 'pgdata');
    await first.stop();
    const hba = path.join(pgData, 'pg_hba.conf');
    fs.writeFileSync(hba, fs.readFileSync(hba, 'utf8').replace(/scram-sha-256\s*$/gm, 'trust'));
    const second = await startPostgresServer({ dataDir: dir, port, fsync: false });
    try {
      expect(fs.readFileSync(hba, 'utf8')).not.toMatch(/\strust\s*$/m);
      await expect(query(`postgres://postgres@127.0.0.1:${port}/mlops`, 'SELECT 1')).rejects.toThrow(
        /password/,
      );
      expect(await query(second.databaseUrl, 'SELECT 1 AS one')).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
