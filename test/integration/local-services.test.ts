import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startLocalStack } from '../../src/local-services/local-stack';
import { assertPortFree } from '../../src/local-services/ports';
import { PROJECT_ROOT } from '../../src/local-services/provision';

const execFileAsync = promisify(execFile);

/** A PATH holding only the basic tools the provisioning scripts use, without java, mvn or go. */
function pathWithout(dir: string): string {
  const tools = [
    'bash',
    'dirname',
    'mkdir',
    'cat',
    'ls',
    'sort',
    'tail',
    'readlink',
    'cksum',
    'cut',
    'rm',
    'mv',
    'sed',
    'chmod',
    'id',
  ];
  fs.mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
    if (found) fs.symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

describe('local services', () => {
  it('uses configured services and starts nothing of its own', async () => {
    const config = loadConfig(process.env);
    const stack = await startLocalStack(config, createLogger({ level: 'silent', pretty: false }));
    expect(stack.started).toEqual([]);
    expect(stack.temporalAddress).toBe(process.env.TEMPORAL_ADDRESS);
    expect(stack.kafkaBrokers).toEqual(process.env.KAFKA_BROKERS!.split(','));
    expect(stack.databaseUrl).toBe(process.env.DATABASE_URL);
    await stack.stop();
  });

  it('says which setting to change when a port is taken', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as net.AddressInfo;
    await expect(assertPortFree(port, 'Kafka broker', 'LOCAL_KAFKA_PORT')).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is already in use, so the local Kafka broker cannot start. ` +
        'Stop whatever listens there, or set LOCAL_KAFKA_PORT to a free port.',
    );
    server.close();
  });

  it('says what to install when a prerequisite is missing, without a stack trace', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prereq-'));
    const env = { PATH: pathWithout(path.join(tmp, 'bin')), MLOPS_SERVICES_DIR: path.join(tmp, 'cache') };
    const cases: Array<[string, string]> = [
      ['provision-kafka.sh', "error: 'java' is not installed. Install a Java runtime (17 or later)"],
      ['provision-test-server.sh', "error: 'java' is not installed. Install a Java runtime (17 or later)"],
      ['provision-temporal-cli.sh', "error: 'go' is not installed. Install Go"],
    ];
    for (const [script, expected] of cases) {
      const failure = await execFileAsync('bash', [path.join(PROJECT_ROOT, 'scripts', script)], { env }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(expected);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
