import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(120_000);

const execFileAsync = promisify(execFile);

/** The real command line, as an operator runs it; resolves with the exit code instead of throwing. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', 'silence', ...args],
      { env: { ...process.env, LOG_LEVEL: 'warn', USER: 'oncall-ana' }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mlops-guardian silence (real PostgreSQL)', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
  });
  afterAll(() => pool?.end());

  const count = async () => Number((await pool.query('SELECT count(*) AS n FROM alert_silences')).rows[0].n);

  it('adds, lists and expires a silence', async () => {
    const model = uniqueName('fraud');
    const added = await cli([
      'add',
      '--model',
      model,
      '--action',
      'RETRAIN',
      '--ends-in',
      '2h',
      '--comment',
      'new features',
      '--json',
    ]);
    expect(added).toMatchObject({ code: 0 });
    const silence = JSON.parse(added.stdout) as { silenceId: string; creator: string; endsAt: string };
    expect(silence.creator).toBe('oncall-ana');
    expect(new Date(silence.endsAt).getTime()).toBeGreaterThan(Date.now() + 119 * 60_000);

    const listed = await cli(['list']);
    expect(listed.stdout).toContain(`${silence.silenceId}  model=${model} action=RETRAIN`);

    expect((await cli(['expire', silence.silenceId])).code).toBe(0);
    expect((await cli(['list'])).stdout).not.toContain(silence.silenceId);
    expect((await cli(['list', '--all'])).stdout).toContain(`${silence.silenceId}`);
  });

  it('refuses bad input with the reason and changes nothing', async () => {
    const before = await count();
    const noMatcher = await cli(['add', '--ends-in', '1h', '--comment', 'x']);
    expect(noMatcher.code).toBe(2);
    expect(noMatcher.stderr).toContain('silence not created: a silence needs at least one matcher');
    const past = await cli(['add', '--model', 'm', '--ends-at', '2020-01-01T00:00:00Z', '--comment', 'x']);
    expect(past.stderr).toMatch(/endsAt 2020-01-01T00:00:00.000Z is not in the future/);
    const badDuration = await cli(['add', '--model', 'm', '--ends-in', 'soon', '--comment', 'x']);
    expect(badDuration.stderr).toContain('is not a duration like 30m, 2h, 1d');
    const unknown = await cli(['expire', 'no-such-silence']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('silence not expired: no active silence with id "no-such-silence"');
    expect(await count()).toBe(before);
  });
});
