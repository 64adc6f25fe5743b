import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/local-services/ports';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import { uniqueName } from '../helpers/stack';

describe('npm start (the product process)', () => {
  let logDir: string;
  beforeAll(() => (logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-logs-'))));
  afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

  it('runs on configured services, prints the Web UI hint, and exits 143 (stopped by SIGTERM) on SIGTERM', async () => {
    const env = {
      LOG_FILE_DIR: logDir,
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
    // Its own log file holds the same lines, to the last one before it exited.
    const logged = fs.readFileSync(path.join(logDir, 'mlops-guardian.log'), 'utf8');
    expect(logged).toContain('"msg":"logs are written to files too"');
    expect(logged).toContain('"msg":"mlops-guardian is running"');
    expect(logged).toContain('"msg":"stopped"');
    expect(fs.existsSync(path.join(logDir, 'mlops-guardian-errors.log'))).toBe(true);
  });

  it('refuses to start, naming LOG_FILE_DIR, when it cannot write its log files there', async () => {
    const notADirectory = path.join(logDir, 'a-file');
    fs.writeFileSync(notADirectory, '');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/workers/start.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_FILE_DIR: notADirectory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain(`LOG_FILE_DIR=${JSON.stringify(notADirectory)} cannot hold the log files`);
    expect(stderr).not.toContain('    at ');
  });
});
