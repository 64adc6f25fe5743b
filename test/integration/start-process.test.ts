import { spawn } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '../../src/local-services/ports';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import { uniqueName } from '../helpers/stack';

describe('npm start (the product process)', () => {
  it('runs on configured services, prints the Web UI hint, and exits 143 (stopped by SIGTERM) on SIGTERM', async () => {
    const env = {
      ...process.env,
      TEMPORAL_TASK_QUEUE: uniqueName('start-test'),
      KAFKA_GROUP_ID: uniqueName('start-test'),
      BRIDGE_HTTP_PORT: String(await findFreePort()),
      WORKER_HTTP_PORT: String(await findFreePort()),
      REPORT_OUTPUT_DIR: path.join(process.env.TEST_DATA_DIR ?? '/tmp', uniqueName('reports')),
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/workers/start.ts'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 120_000;
    while (
      !output.includes('mlops-guardian is running') &&
      Date.now() < deadline &&
      child.exitCode === null
    ) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(output).toContain('Temporal Web UI: (configured Temporal server: open its own Web UI)');
    expect(output).not.toContain('local Temporal dev server ready');

    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(output).toContain('"msg":"stopped"');
  });
});
