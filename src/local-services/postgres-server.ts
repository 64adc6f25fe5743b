import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { LocalServiceError } from './errors';
import { assertPortFree, waitUntil } from './ports';
import { provision } from './provision';
import { stopStaleProcess } from './managed-process';

const execFileAsync = promisify(execFile);

export interface PostgresServer {
  databaseUrl: string;
  pid: number;
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
function asServerUser(bin: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [bin, args];
  return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
}

async function run(bin: string, args: string[], what: string): Promise<void> {
  const [command, commandArgs] = asServerUser(bin, args);
  try {
    await execFileAsync(command, commandArgs, { timeout: 120_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new LocalServiceError(`${what} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** A throwaway PostgreSQL on 127.0.0.1 (trust auth, loopback only), with our database created. */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const binDir = await provision('postgres');
  const dataDir = path.join(options.dataDir, 'postgres');
  const pgData = path.join(dataDir, 'pgdata');
  const pidFile = path.join(dataDir, 'postgres.pid');
  const database = options.database ?? 'mlops';
  fs.mkdirSync(dataDir, { recursive: true });
  await stopStaleProcess(pidFile, 'postgres');
  await assertPortFree(options.port, 'PostgreSQL', 'LOCAL_POSTGRES_PORT');
  if (process.getuid?.() === 0) {
    assertTraversableByOthers(dataDir);
    fs.chownSync(dataDir, ...postgresUserIds());
  }

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    await run(
      path.join(binDir, 'initdb'),
      ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      'initdb',
    );
  }
  const serverOptions = `-c listen_addresses=127.0.0.1 -p ${options.port} -k ${dataDir} -c fsync=off -c max_connections=200`;
  await run(
    path.join(binDir, 'pg_ctl'),
    ['-D', pgData, '-l', path.join(dataDir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start'],
    'starting PostgreSQL',
  );
  const pid = Number(fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
  fs.writeFileSync(pidFile, String(pid));

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
    { timeoutMs: 30_000 },
  );

  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${options.port}/${database}`,
    pid,
    async stop() {
      await run(
        path.join(binDir, 'pg_ctl'),
        ['-D', pgData, '-m', 'fast', '-w', 'stop'],
        'stopping PostgreSQL',
      ).catch(() => undefined);
      fs.rmSync(pidFile, { force: true });
    },
  };
}

function postgresUserIds(): [number, number] {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) {
    throw new LocalServiceError(
      "PostgreSQL cannot run as root and there is no 'postgres' user; install Debian's postgresql package or set DATABASE_URL",
    );
  }
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}

/** As root the server runs as `postgres`, which must be able to reach its data directory. */
function assertTraversableByOthers(dir: string): void {
  for (let parent = path.dirname(path.resolve(dir)); ; parent = path.dirname(parent)) {
    if ((fs.statSync(parent).mode & 0o001) === 0) {
      throw new LocalServiceError(
        `PostgreSQL runs as the 'postgres' user, which cannot enter ${parent}. ` +
          `Allow it (chmod o+x ${parent}) or set LOCAL_SERVICES_DIR to a directory it can reach.`,
      );
    }
    if (parent === path.dirname(parent)) return;
  }
}
