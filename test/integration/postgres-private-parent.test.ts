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
});
