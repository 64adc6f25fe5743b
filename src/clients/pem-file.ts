import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';

/**
 * The contents of a PEM file named by a setting (a CA bundle, a client certificate or key).
 * A path that cannot be read, or a file that holds no PEM block, is a configuration error
 * naming the setting: otherwise it would surface later as an opaque TLS handshake failure.
 */
export function readPemFile(settingName: string, path: string): Buffer {
  let contents: Buffer;
  try {
    contents = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError([
      `${settingName}=${JSON.stringify(path)} cannot be read (${code}): expected a readable PEM file`,
    ]);
  }
  if (!contents.includes('-----BEGIN ')) {
    throw new ConfigError([
      `${settingName}=${JSON.stringify(path)} holds no PEM block ("-----BEGIN …"): expected a PEM file (DER must be converted)`,
    ]);
  }
  return contents;
}
