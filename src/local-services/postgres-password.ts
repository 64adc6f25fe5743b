import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LocalServiceError } from './errors';

/**
 * The password of the local PostgreSQL's `postgres` role: generated once, kept beside its data
 * (LOCAL_SERVICES_DIR/postgres/password) readable by this user only, so other local users
 * cannot log in as the superuser as they could with trust authentication.
 */
export function postgresPasswordFile(stateDir: string): string {
  return path.join(stateDir, 'password');
}

/** The stored password, generated (hex: no URL escaping needed) on first use. */
export function ensurePostgresPassword(stateDir: string): string {
  const file = postgresPasswordFile(stateDir);
  if (!fs.existsSync(file)) {
    // 'wx': never overwrite a password another start has just written.
    fs.writeFileSync(file, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  // An existing file may have been created with a looser umask or copied around.
  fs.chmodSync(file, 0o600);
  return readPostgresPassword(stateDir);
}

export function readPostgresPassword(stateDir: string): string {
  const file = postgresPasswordFile(stateDir);
  let password: string;
  try {
    password = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new LocalServiceError(
      `cannot read the local PostgreSQL password from ${file} (${(err as NodeJS.ErrnoException).code}): start it with \`npm start\` first, or set DATABASE_URL`,
    );
  }
  if (!/^[0-9a-f]{16,}$/.test(password)) {
    throw new LocalServiceError(
      `${file} does not hold a generated password: remove it and the data next to it to start afresh`,
    );
  }
  return password;
}

/** The URL of a database on the local server, with the stored password. */
export function localPostgresUrl(stateDir: string, port: number, database: string): string {
  return `postgres://postgres:${readPostgresPassword(stateDir)}@127.0.0.1:${port}/${database}`;
}
