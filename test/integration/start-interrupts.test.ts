import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupAlive } from '../../src/local-services/managed-process';
import { findFreePort, freeLocalServicePorts } from '../../src/local-services/ports';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(240_000);

/** The pid files the local services write, relative to LOCAL_SERVICES_DIR. */
const PID_FILES = ['temporal.pid', 'kafka/kafka.pid', 'postgres/postgres.pid'];

interface Product {
  child: ChildProcess;
  servicesDir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start` on local services of its own (Kafka too when asked), in a private 0700 directory. */
async function startProduct(options: { localKafka: boolean; preload?: string }): Promise<Product> {
  const servicesDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'start-interrupts-')), 'data');
  const env = {
    ...process.env,
    LOCAL_SERVICES_DIR: servicesDir,
    ...(await freeLocalServicePorts()),
    TEMPORAL_ADDRESS: '',
    DATABASE_URL: '',
    KAFKA_BROKERS: options.localKafka ? '' : process.env.KAFKA_BROKERS,
    TEMPORAL_TASK_QUEUE: uniqueName('interrupts'),
    KAFKA_GROUP_ID: uniqueName('interrupts'),
    BRIDGE_HTTP_PORT: String(await findFreePort()),
    WORKER_HTTP_PORT: String(await findFreePort()),
    REPORT_OUTPUT_DIR: path.join(servicesDir, 'reports'),
    LOG_LEVEL: 'info',
  };
  const preload = options.preload ? ['-r', options.preload] : [];
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', ...preload, 'src/workers/start.ts'],
    { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(() => output.includes('mlops-guardian is running') || child.exitCode !== null, 180_000);
  if (!output.includes('mlops-guardian is running')) throw new Error(`npm start did not come up:\n${output}`);
  return { child, servicesDir, output: () => output, exited };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

/** The service PIDs the product recorded: every one leads the process group of a service. */
function servicePids(servicesDir: string): number[] {
  return PID_FILES.map((f) => path.join(servicesDir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => Number(fs.readFileSync(f, 'utf8')));
}

/** Processes whose command line names the private services directory (servers, their children). */
function processesUsing(dir: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const cmdline = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmdline.includes(dir) ? [`${p}: ${cmdline}`] : [];
      } catch {
        return [];
      }
    });
}

/** Asserts that nothing the product started is left, allowing the reaper its bounded grace. */
async function expectNothingLeft(product: Product, pids: number[]): Promise<void> {
  await waitFor(
    () => pids.every((p) => !groupAlive(p)) && processesUsing(product.servicesDir).length === 0,
    40_000,
  );
  expect(pids.filter(groupAlive)).toEqual([]);
  expect(processesUsing(product.servicesDir)).toEqual([]);
  fs.rmSync(path.dirname(product.servicesDir), { recursive: true, force: true });
}

describe('npm start leaves nothing running, however it is interrupted', () => {
  it.each([
    ['SIGINT (Ctrl-C)', 130, 'SIGINT'],
    ['SIGTERM', 143, 'SIGTERM'],
    ['SIGHUP (terminal closed)', 129, 'SIGHUP'],
  ] as const)('%s: stops every service and exits %i', async (_name, status, signal) => {
    const product = await startProduct({ localKafka: false });
    const pids = servicePids(product.servicesDir);
    expect(pids).toHaveLength(2);
    product.child.kill(signal);
    expect(await product.exited).toEqual({ code: status, signal: null });
    expect(product.output()).toContain('"msg":"stopped"');
    await expectNothingLeft(product, pids);
  });

  it('a second signal while stopping: exits at once, non-zero, and the services still stop', async () => {
    // Kafka too: the slowest service to stop, so the second signal surely finds it running.
    const product = await startProduct({ localKafka: true });
    const pids = servicePids(product.servicesDir);
    expect(pids).toHaveLength(3);
    product.child.kill('SIGTERM');
    await waitFor(() => product.output().includes('"msg":"shutting down"'), 30_000);
    product.child.kill('SIGINT');
    expect(await product.exited).toEqual({ code: 130, signal: null });
    expect(product.output()).not.toContain('"msg":"stopped"');
    await expectNothingLeft(product, pids);
  });

  it('an uncaught crash: stops every service and exits 1', async () => {
    const product = await startProduct({ localKafka: false, preload: './test/helpers/crash-on-sigusr2.ts' });
    const pids = servicePids(product.servicesDir);
    product.child.kill('SIGUSR2');
    expect(await product.exited).toEqual({ code: 1, signal: null });
    expect(product.output()).toContain('simulated crash');
    await expectNothingLeft(product, pids);
  });

  it('SIGKILL, which no process can handle: the service reaper stops every service', async () => {
    const product = await startProduct({ localKafka: false });
    const pids = servicePids(product.servicesDir);
    product.child.kill('SIGKILL');
    expect(await product.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await expectNothingLeft(product, pids);
  });
});
