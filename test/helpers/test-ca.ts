import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** PEM files of a CA made for one test run, a server certificate it signed, and a client one. */
export interface TestCa {
  dir: string;
  caCert: string;
  /** Valid for `localhost` and 127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** Signed by the same CA, for `other.example` only: the chain verifies, the name does not. */
  otherNameCert: string;
  otherNameKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed none of these. */
  strangerCaCert: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function signed(dir: string, name: string, subject: string, extensions: string): void {
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    subject,
    '-out',
    `${name}.csr`,
  ]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

/** Makes the certificates with the real `openssl` (a few hundred milliseconds). */
export function makeTestCa(): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-guardian-ca-'));
  const ca = (name: string, subject: string) =>
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      subject,
    ]);
  ca('ca', '/CN=mlops-guardian test CA');
  ca('stranger-ca', '/CN=some other CA');
  signed(
    dir,
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  signed(
    dir,
    'other-name',
    '/CN=other.example',
    'subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n',
  );
  signed(dir, 'client', '/CN=mlops-guardian', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    otherNameCert: file('other-name.pem'),
    otherNameKey: file('other-name.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    strangerCaCert: file('stranger-ca.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
