import type { Pool } from 'pg';
import {
  createSilence,
  expireSilence,
  listSilences,
  SilenceNotFound,
} from '../backends/alerts/silence-store';
import { validateSilence } from '../domain/alerting/silence-matchers';

/** An answer of the silence endpoints: status and JSON body. */
export type SilenceAnswer = [number, unknown];

const EXPIRE_PATH = /^\/silences\/([^/]+)\/expire$/;

/** True for the paths these endpoints answer (GET /silences, POST /silences, POST /silences/ID/expire). */
export function isSilencePath(path: string): boolean {
  return path === '/silences' || EXPIRE_PATH.test(path);
}

const refused = (status: number, error: string, detail: string): SilenceAnswer => [
  status,
  { status: 'rejected', error, detail },
];

/**
 * Silences over HTTP, for chat-ops buttons and scripts (README "Silences, inhibition, grouping").
 * The caller has passed the bridge's POST guard (token, JSON, no browser). A bad silence or an
 * unknown id is a 4xx naming the problem, and nothing is written.
 */
export async function answerSilences(
  pool: Pool | undefined,
  method: string,
  path: string,
  query: URLSearchParams,
  readJson: () => Promise<unknown>,
): Promise<SilenceAnswer> {
  if (!pool)
    return refused(501, 'not_configured', 'silences live in PostgreSQL: this bridge has no DATABASE_URL');
  if (path === '/silences' && method === 'GET') {
    return [200, { silences: await listSilences(pool, { all: query.get('all') === 'true' }) }];
  }
  if (path === '/silences' && method === 'POST') {
    const body = await readJson();
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return refused(400, 'schema_violation', 'send a JSON object: {matchers, creator, comment, endsAt}');
    const checked = validateSilence(body as Record<string, unknown>, new Date());
    if (!checked.ok) return refused(400, 'invalid_silence', checked.error);
    return [201, { status: 'created', silence: await createSilence(pool, checked.silence) }];
  }
  const expire = EXPIRE_PATH.exec(path);
  if (expire && method === 'POST') {
    try {
      return [200, { status: 'expired', silence: await expireSilence(pool, decodeURIComponent(expire[1])) }];
    } catch (err) {
      if (err instanceof SilenceNotFound) return refused(404, 'unknown_silence', err.message);
      throw err;
    }
  }
  return refused(405, 'method_not_allowed', `use GET or POST /silences, POST /silences/ID/expire`);
}
