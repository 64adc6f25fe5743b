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
import { ensurePostgresPassword } from './postgres-password';

const execFileAsync = promisify(execFile);

export interface PostgresServer {
  databaseUrl: string;
  pid: number;
  /** Where its files are: LOCAL_SERVICES_DIR/postgres, or a throwaway directory (see fallbackFrom). */
  dataDir: string;
  fallbackFrom?: PostgresDataDir['fallbackFrom'];
  /**
   * Stops the server. A throwaway data directory (see fallbackFrom) is removed, unless
   * `keepData`: then the next start on the same dataDir in this process uses it again, as a
   * server restarted on the asked directory would find its data (it is still removed when this
   * process exits).
   */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Throwaway data directories kept by `stop({ keepData: true })`, by state directory. */
const keptThrowawayDirs = new Map<string, PostgresDataDir>();

export interface PostgresServerOptions {
  dataDir: string;
  port: number;
  database?: string;
  /**
   * false: no fsync (initdb --no-sync, fsync=off) — fast, and a power cut can corrupt the
   * data. Only for throwaway test servers; the product's own server keeps the default (true).
   */
  fsync?: boolean;
  /**
   * Serve TLS (ssl=on) with this certificate and unencrypted key (PEM files), beside plain
   * connections: to try, and test, DATABASE_SSL_MODE and DATABASE_SSL_CA_PATH locally.
   */
  tls?: { certFile: string; keyFile: string };
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

/**
 * A local PostgreSQL on 127.0.0.1 (loopback only), with our database created. Every connection
 * authenticates with scram-sha-256 as `postgres` with the password generated into
 * LOCAL_SERVICES_DIR/postgres/password (0600).
 */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const binDir = await provision('postgres');
  const stateDir = path.join(options.dataDir, 'postgres');
  const pidFile = path.join(stateDir, 'postgres.pid');
  const database = options.database ?? 'mlops';
  const fsync = options.fsync ?? true;
  fs.mkdirSync(stateDir, { recursive: true });
  const password = ensurePostgresPassword(stateDir);
  await stopStaleProcess(pidFile, 'postgres', 'SIGINT');
  const kept = keptThrowawayDirs.get(stateDir);
  keptThrowawayDirs.delete(stateDir);
  if (!kept) removeStaleThrowawayDir(stateDir);
  await assertPortFree(options.port, 'PostgreSQL', 'LOCAL_POSTGRES_PORT');
  const data = kept && fs.existsSync(kept.dir) ? kept : preparePostgresDataDir(stateDir);
  if (data.fallbackFrom && data !== kept) {
    fs.writeFileSync(path.join(stateDir, THROWAWAY_POINTER), data.dir);
    removeOnExit(data.dir);
  }
  const pgData = path.join(data.dir, 'pgdata');
  let proc: ManagedProcess | undefined;
  const stop = async (stopOptions: { keepData?: boolean } = {}) => {
    await proc?.stop();
    if (stopOptions.keepData && data.fallbackFrom) {
      keptThrowawayDirs.set(stateDir, data);
      return;
    }
    data.removeIfThrowaway();
    fs.rmSync(path.join(stateDir, THROWAWAY_POINTER), { force: true });
  };

  try {
    if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
      await initCluster(binDir, data.dir, pgData, password, fsync);
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
        ...(fsync ? [] : ['-c', 'fsync=off']),
        ...(options.tls ? tlsArgs(options.tls, data.dir) : []),
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

  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`;
  await waitUntil(
    'PostgreSQL',
    async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await requirePasswords(client, pgData, password);
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
    databaseUrl: `postgres://postgres:${password}@127.0.0.1:${options.port}/${database}`,
    pid,
    dataDir: data.dir,
    fallbackFrom: data.fallbackFrom,
    stop,
  };
}

/**
 * Server options for TLS. PostgreSQL refuses a key file that others can read, and as root it runs
 * as `postgres`, which must own it: both files are copied beside the data, owned by the server.
 */
function tlsArgs(tls: { certFile: string; keyFile: string }, dir: string): string[] {
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  fs.copyFileSync(tls.certFile, certFile);
  fs.copyFileSync(tls.keyFile, keyFile);
  fs.chmodSync(keyFile, 0o600);
  const user = serverUser();
  if (user) for (const file of [certFile, keyFile]) fs.chownSync(file, user.uid, user.gid);
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${certFile}`, '-c', `ssl_key_file=${keyFile}`];
}

/** initdb with the superuser's password set from the start: no moment without authentication. */
async function initCluster(
  binDir: string,
  cwd: string,
  pgData: string,
  password: string,
  fsync: boolean,
): Promise<void> {
  // initdb reads the password from a file; as root it runs as `postgres`, which must read it.
  const pwFile = path.join(cwd, 'initdb-password');
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  const user = serverUser();
  if (user) fs.chownSync(pwFile, user.uid, user.gid);
  try {
    await run(
      path.join(binDir, 'initdb'),
      [
        '-D',
        pgData,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${pwFile}`,
        '-E',
        'UTF8',
        ...(fsync ? [] : ['--no-sync']),
      ],
      'initdb',
      cwd,
    );
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

/**
 * A data directory made by an earlier version trusts every local connection: give `postgres`
 * the generated password, switch pg_hba.conf to scram-sha-256 and reload, once.
 */
async function requirePasswords(client: Client, pgData: string, password: string): Promise<void> {
  const hbaFile = path.join(pgData, 'pg_hba.conf');
  const hba = fs.readFileSync(hbaFile, 'utf8');
  const isRule = (line: string) => line.trim() !== '' && !line.trim().startsWith('#');
  if (!hba.split('\n').some((line) => isRule(line) && /\strust\s*$/.test(line))) return;
  await client.query("SET password_encryption = 'scram-sha-256'");
  // The password is generated hex: safe inside a literal (ALTER ROLE takes no parameters).
  await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
  const updated = hba
    .split('\n')
    .map((line) => (isRule(line) ? line.replace(/\strust(\s*)$/, ' scram-sha-256$1') : line))
    .join('\n');
  fs.writeFileSync(hbaFile, updated);
  await client.query('SELECT pg_reload_conf()');
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
