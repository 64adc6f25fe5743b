import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort } from '../../src/local-services/ports';
import { startPostgresServer } from '../../src/local-services/postgres-server';

// Only root runs PostgreSQL as another user (`postgres`); any other user runs it as themselves.
const asRoot = process.getuid?.() === 0 ? it : it.skip;

describe('local PostgreSQL in a clone other users cannot enter', () => {
  asRoot('falls back to a throwaway data directory it can use, and removes it on stop', async () => {
    // Like a fresh clone in `mktemp -d`: the parent is 0700, so `postgres` cannot reach LOCAL_SERVICES_DIR.
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'private-clone-'));
    expect(fs.statSync(clone).mode & 0o777).toBe(0o700);
    const servicesDir = path.join(clone, '.services', 'data');
    const server = await startPostgresServer({ dataDir: servicesDir, port: await findFreePort() });
    try {
      expect(server.fallbackFrom?.blockedAt).toBe(clone);
      expect(server.dataDir.startsWith(clone)).toBe(false);
      expect(fs.statSync(server.dataDir).uid).not.toBe(0);

      const client = new Client({ connectionString: server.databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      await client.end();
      expect(rows[0].data_directory.startsWith(server.dataDir)).toBe(true);
    } finally {
      await server.stop();
      fs.rmSync(clone, { recursive: true, force: true });
    }
    expect(fs.existsSync(server.dataDir)).toBe(false);
  });

  asRoot(
    'keeps the throwaway data for a restart in this process when asked, as a restart on the asked directory would',
    async () => {
      const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'private-clone-'));
      const servicesDir = path.join(clone, '.services', 'data');
      const port = await findFreePort();
      const query = async (url: string, sql: string) => {
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query(sql)).rows;
        } finally {
          await client.end();
        }
      };
      let server = await startPostgresServer({ dataDir: servicesDir, port });
      const first = server.dataDir;
      try {
        await query(server.databaseUrl, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before')");
        await server.stop({ keepData: true });
        expect(fs.existsSync(first)).toBe(true);

        server = await startPostgresServer({ dataDir: servicesDir, port });
        expect(server.dataDir).toBe(first);
        expect(await query(server.databaseUrl, 'SELECT note FROM kept')).toEqual([{ note: 'before' }]);
      } finally {
        await server.stop();
        fs.rmSync(clone, { recursive: true, force: true });
      }
      expect(fs.existsSync(first)).toBe(false);
    },
  );
});
