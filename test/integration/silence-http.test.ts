import http from 'node:http';
import type { Pool } from 'pg';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';
import { useInProcessBridge } from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';

const TOKEN = 'a-long-silence-token-for-tests';

function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/** Silences over the bridge's HTTP endpoint: the token on every POST, clear refusals, nothing changed. */
describe('silences over HTTP (real bridge, real PostgreSQL)', () => {
  const world = useInProcessBridge({ env: { BRIDGE_HTTP_TOKEN: TOKEN } });
  const port = () => world.running.bridge.http!.port;
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  let pool: Pool;
  beforeAll(async () => {
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    // The worker migrates in production; this test runs the bridge alone.
    await migrate(pool);
  });
  afterAll(() => pool?.end());

  const count = async () => Number((await pool.query('SELECT count(*) AS n FROM alert_silences')).rows[0].n);
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  it('creates, lists and expires a silence; POSTs need the token', async () => {
    const model = uniqueName('fraud');
    const silence = {
      matchers: { model, priority: 'high' },
      creator: 'ana',
      comment: 'retraining',
      endsAt: inAnHour(),
    };
    const refused = await call(port(), 'POST', '/silences', { 'content-type': 'application/json' }, silence);
    expect(refused.status).toBe(401);

    const created = await call(port(), 'POST', '/silences', auth, silence);
    expect(created.status).toBe(201);
    const id = (created.json.silence as { silenceId: string }).silenceId;
    expect(created.json.silence).toMatchObject({ matchers: { model, priority: 'high' }, creator: 'ana' });

    const listed = await call(port(), 'GET', '/silences');
    expect((listed.json.silences as { silenceId: string }[]).map((s) => s.silenceId)).toContain(id);

    expect((await call(port(), 'POST', `/silences/${id}/expire`, {}, {})).status).toBe(401);
    const expired = await call(port(), 'POST', `/silences/${id}/expire`, auth, {});
    expect(expired.status).toBe(200);
    expect(expired.json.silence).toMatchObject({ silenceId: id, expiredAt: expect.any(String) });
    const after = await call(port(), 'GET', '/silences');
    expect((after.json.silences as { silenceId: string }[]).map((s) => s.silenceId)).not.toContain(id);
  });

  it.each([
    ['no matcher', { matchers: {}, creator: 'ana', comment: 'x' }, /at least one matcher/],
    [
      'an end in the past',
      { matchers: { model: 'm' }, creator: 'ana', comment: 'x', endsAt: '2020-01-01T00:00:00Z' },
      /not in the future/,
    ],
  ])('refuses a silence with %s: 400 with the reason, nothing stored', async (_name, body, detail) => {
    const before = await count();
    const res = await call(port(), 'POST', '/silences', auth, { endsAt: inAnHour(), ...body });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_silence', detail: expect.stringMatching(detail) });
    expect(await count()).toBe(before);
  });

  it('expiring an unknown id is a 404 naming it', async () => {
    const res = await call(port(), 'POST', '/silences/no-such-id/expire', auth, {});
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      error: 'unknown_silence',
      detail: expect.stringContaining('no-such-id'),
    });
  });
});
