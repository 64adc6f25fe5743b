import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/local-services/ports';
import { BridgeTestEnv, waitFor } from './bridge-harness';
import { uniqueName } from './stack';

const ROOT = path.resolve(__dirname, '..', '..');
export const SHUTDOWN_TIMEOUT_MS = 15_000;

export interface BridgeProcess {
  child: ChildProcess;
  port: number;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real bridge entry point (src/workers/bridge.ts) as its own process, on this test's names. */
export async function spawnBridge(t: BridgeTestEnv, name: string): Promise<BridgeProcess> {
  const port = await findFreePort();
  const logDir = process.env.TEST_DATA_DIR ?? os.tmpdir();
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${uniqueName(name)}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/workers/bridge.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...t.env,
      BRIDGE_HTTP_PORT: String(port),
      BRIDGE_SESSION_TIMEOUT_MS: '8000',
      BRIDGE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const bridge = { child, port, logFile, exited };
  await waitFor(
    `bridge process ${name} to join the group (log: ${logFile})`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(
          `bridge exited with ${child.exitCode}: ${fs.readFileSync(logFile, 'utf8').slice(-3000)}`,
        );
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return ((await res.json()) as { status: string }).status;
    },
    (status) => status === 'ok',
    120_000,
  );
  return bridge;
}
