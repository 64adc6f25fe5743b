/**
 * `mlops-guardian history MODEL [--limit N] [--json]`: the audit trail of one model, newest
 * first — every decision, executed or skipped, with its reason.
 *
 * Reads the PostgreSQL of DATABASE_URL (unset: the local one `npm start` runs).
 */
import { parseArgs } from 'node:util';
import type { DecisionRecord } from '../contracts/guardian-activities';
import { readDecisionHistory } from '../backends/audit/decision-log';
import { createPgPool } from '../clients/postgres';
import { postgresTlsOptions } from '../clients/postgres-tls';
import { loadConfig } from '../config';
import { localDatabaseUrl } from './cli-database';
import { scrubCredentialPatterns } from '../redaction/secret-scrubber';

const USAGE = `usage: mlops-guardian history MODEL [--limit N] [--json]

  --limit N   how many decisions, newest first (default 50, at most 10000)
  --json      one JSON object per decision instead of a table
`;
const MAX_LIMIT = 10_000;

/** One decision as a line of the table. */
export function formatDecision(d: DecisionRecord): string {
  const outcome = d.executed ? 'executed' : 'skipped ';
  return `${d.decidedAt}  ${d.eventType.padEnd(28)} ${d.severity.padEnd(8)} ${d.action.padEnd(10)} ${outcome}  ${d.reason}  [${d.eventId}]`;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { limit: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [model, ...extra] = parsed.positionals;
  const limit = Number(parsed.values.limit);
  if (!model || extra.length > 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    process.stderr.write(USAGE);
    return 2;
  }

  const config = loadConfig();
  let url: string;
  try {
    url = config.runtime.databaseUrl ?? localDatabaseUrl(config);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const pool = createPgPool({ connectionString: url, max: 1, ssl: postgresTlsOptions(config.runtime) });
  try {
    const history = await readDecisionHistory(pool, model, limit).catch((err: Error) => {
      const where = config.runtime.databaseUrl
        ? 'DATABASE_URL'
        : `the local PostgreSQL on 127.0.0.1:${config.runtime.localPostgresPort} (DATABASE_URL is not set)`;
      throw new Error(`cannot read the audit trail from ${scrubCredentialPatterns(where)}: ${err.message}`);
    });
    if (parsed.values.json) {
      for (const d of history) process.stdout.write(`${JSON.stringify(d)}\n`);
    } else if (history.length === 0) {
      process.stdout.write(`no decisions recorded for model '${model}'\n`);
    } else {
      for (const d of history) process.stdout.write(`${formatDecision(d)}\n`);
    }
    return 0;
  } finally {
    await pool.end();
  }
}
