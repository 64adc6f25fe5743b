import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { LocalServiceError } from './errors';
import { assertPortFree, waitUntil } from './ports';
import { provision } from './provision';
import { ManagedProcess, startManagedProcess, stopStaleProcess } from './managed-process';
import { removeOnExit } from './service-reaper';
import { PostgresDataDir, postgresUserIds, preparePostgresDataDir } from './postgres-data-dir';

const execFileAsync = promisify(execFile);

export interface PostgresServer {
  databaseUrl: string;
  pid: number;
  /** Where its files are: LOCAL_SERVICES_DIR/postgres, or a throwaway directory (see fallbackFrom). */
  dataDir: string;
  fallbackFrom?: PostgresDataDir['fallbackFrom'];
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  dataDir: string;
  port: number;
  database?: string;
}

/**
 * PostgreSQL refuses to run as root; as root we run its programs as the `postgres` user
 * that Debian's package creates, on a data directory that user owns.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = postgresUserIds();
  return { uid, gid };
}

async function run(bin: string, args: string[], what: string, cwd: string): Promise<void> {
  try {
    await execFileAsync(bin, args, { timeout: 120_000, cwd, ...serverUser() });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new LocalServiceError(`${what} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** A throwaway PostgreSQL on 127.0.0.1 (trust auth, loopback only), with our database created. */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const binDir = await provision('postgres');
  const stateDir = path.join(options.dataDir, 'postgres');
  const pidFile = path.join(stateDir, 'postgres.pid');
  const database = options.database ?? 'mlops';
  fs.mkdirSync(stateDir, { recursive: true });
  await stopStaleProcess(pidFile, 'postgres', 'SIGINT');
  removeStaleThrowawayDir(stateDir);
  await assertPortFree(options.port, 'PostgreSQL', 'LOCAL_POSTGRES_PORT');
  const data = preparePostgresDataDir(stateDir);
  if (data.fallbackFrom) {
    fs.writeFileSync(path.join(stateDir, THROWAWAY_POINTER), data.dir);
    removeOnExit(data.dir);
  }
  const pgData = path.join(data.dir, 'pgdata');
  let proc: ManagedProcess | undefined;
  const stop = async () => {
    await proc?.stop();
    data.removeIfThrowaway();
    fs.rmSync(path.join(stateDir, THROWAWAY_POINTER), { force: true });
  };

  try {
    if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
      await run(
        path.join(binDir, 'initdb'),
        ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
        'initdb',
        data.dir,
      );
    }
    // The server itself, not pg_ctl's daemon: a process group of ours from its first moment,
    // so whatever ends this process, the server is stopped with it (see service-reaper).
    proc = startManagedProcess({
      name: 'postgres',
      command: path.join(binDir, 'postgres'),
      args: [
        '-D',
        pgData,
        '-c',
        'listen_addresses=127.0.0.1',
        '-p',
        String(options.port),
        '-k',
        data.dir,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      logFile: path.join(stateDir, 'postgres.log'),
      pidFile,
      // Fast shutdown: disconnect clients and stop now, rather than wait for them to leave.
      stopSignal: 'SIGINT',
      user: serverUser(),
      cwd: data.dir,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const pid = proc.pid;

  const adminUrl = `postgres://postgres@127.0.0.1:${options.port}/postgres`;
  await waitUntil(
    'PostgreSQL',
    async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
        return true;
      } finally {
        await client.end();
      }
    },
    { timeoutMs: 60_000, abortReason: proc.exitDescription },
  ).catch(async (err: unknown) => {
    await stop();
    throw err;
  });

  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${options.port}/${database}`,
    pid,
    dataDir: data.dir,
    fallbackFrom: data.fallbackFrom,
    stop,
  };
}

/** Names the throwaway data directory of a run, so the next start can remove what a crash left. */
const THROWAWAY_POINTER = 'throwaway-data-dir';

function removeStaleThrowawayDir(stateDir: string): void {
  const pointer = path.join(stateDir, THROWAWAY_POINTER);
  if (!fs.existsSync(pointer)) return;
  const dir = fs.readFileSync(pointer, 'utf8').trim();
  // Only ever a directory we created: the pointer file could be edited or stale.
  if (path.basename(dir).startsWith('mlops-guardian-postgres-'))
    fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pointer, { force: true });
}
