import { Connection } from '@temporalio/client';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { ManagedProcess, startManagedProcess, stopStaleProcess } from './managed-process';
import { assertPortFree, waitUntil } from './ports';
import { provision } from './provision';

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  cliPath: string;
  process: ManagedProcess;
}

export interface TemporalDevServerOptions {
  dataDir: string;
  port: number;
  uiPort?: number;
  /** No Web UI (tests): less memory, one port fewer. */
  headless?: boolean;
}

/** The Temporal dev server on 127.0.0.1, history kept in a SQLite file, our search attributes registered. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const cliPath = await provision('temporal-cli');
  const pidFile = path.join(options.dataDir, 'temporal.pid');
  await stopStaleProcess(pidFile, 'start-dev');
  await assertPortFree(options.port, 'Temporal dev server', 'LOCAL_TEMPORAL_PORT');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--db-filename',
    path.join(options.dataDir, 'temporal.sqlite'),
    '--log-level',
    'warn',
    // WAL with normal sync: 2.7-5x more signals per second than SQLite's defaults (see the bridge
    // benchmark). A process crash loses nothing; a power loss may lose the last writes.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // Activities on the workflow's own queue start in the answer to the workflow task that
    // scheduled them, without a trip through the task queue (off by default in the server).
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
  ];
  if (options.headless || options.uiPort === undefined) {
    args.push('--headless');
  } else {
    await assertPortFree(options.uiPort, 'Temporal Web UI', 'LOCAL_TEMPORAL_UI_PORT');
    args.push('--ui-ip', '127.0.0.1', '--ui-port', String(options.uiPort));
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES))
    args.push('--search-attribute', `${name}=${type}`);

  const proc = startManagedProcess({
    name: 'temporal',
    command: cliPath,
    args,
    logFile: path.join(options.dataDir, 'temporal.log'),
    pidFile,
  });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntil(
      'Temporal dev server',
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return true;
        } finally {
          await connection.close();
        }
      },
      { timeoutMs: 60_000, abortReason: proc.exitDescription },
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const uiUrl =
    options.headless || options.uiPort === undefined ? undefined : `http://127.0.0.1:${options.uiPort}`;
  return { address, uiUrl, cliPath, process: proc };
}
