import { readFile } from 'node:fs/promises';

/**
 * Reads the bearer token file at every (re-)authentication, so a renewed token is used at once.
 * Its errors name the setting, whichever client asks.
 */
export function oauthBearerTokenFromFile(path: string): () => Promise<string> {
  return async () => {
    let token: string;
    try {
      token = (await readFile(path, 'utf8')).trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(`KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=${JSON.stringify(path)} cannot be read (${code})`, {
        cause: err,
      });
    }
    if (token === '') throw new Error(`KAFKA_SASL_OAUTHBEARER_TOKEN_PATH=${JSON.stringify(path)} is empty`);
    return token;
  };
}
