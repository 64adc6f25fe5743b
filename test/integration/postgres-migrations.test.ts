import { Pool } from 'pg';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';

describe('PostgreSQL migrations', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('applies every migration once, even when two processes migrate at the same time', async () => {
    await Promise.all([migrate(pool), migrate(pool)]);
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toContain('0001_audit_trail.sql');
    const table = await pool.query("SELECT to_regclass('guardian_decisions') AS t");
    expect(table.rows[0].t).toBe('guardian_decisions');
  });
});
