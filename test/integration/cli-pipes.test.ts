import { spawn } from 'node:child_process';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(120_000);

/**
 * Runs the real command line with its stdout read by nobody: the read end is closed before
 * the first write, exactly what `| head` does once it has its lines. Every write then fails
 * with EPIPE.
 */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: uniqueName('cli-pipes') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('mlops-guardian piped into a reader that stops early', () => {
  beforeAll(async () => {
    // `history` reads the audit trail, which exists once the product has started.
    const pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
    await pool.end();
  });

  // Every subcommand, each in a form that writes to stdout (history and report need the stack).
  it.each([
    ['usage', ['--help']],
    ['config', ['config']],
    ['simulate', ['simulate', 'examples/events.sample.jsonl']],
    ['simulate --json', ['simulate', 'examples/events.sample.jsonl', '--json']],
    ['history', ['history', uniqueName('never-seen')]],
    ['report usage', ['report', '--help']],
    ['report now', ['report', 'now', '--no-wait', '--date', '2001-02-03']],
  ])('%s ends quietly with status 0', async (_name, args) => {
    const { code, stderr } = await runIntoClosedPipe(args);
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
