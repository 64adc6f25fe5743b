/**
 * `mlops-guardian silence add|list|expire`: Alertmanager-style silences of alarms (README
 * "Silences, inhibition, grouping"). Reads and writes the PostgreSQL of DATABASE_URL (unset: the
 * local one `npm start` runs); the alert sender of every worker and bridge reads them at send time.
 */
import { parseArgs } from 'node:util';
import {
  createSilence,
  expireSilence,
  listSilences,
  type Silence,
  SilenceNotFound,
} from '../backends/alerts/silence-store';
import { loadConfig } from '../config';
import { validateSilence } from '../domain/alerting/silence-matchers';
import { cliPool, databaseWhere } from './cli-database';

const USAGE = `usage:
  mlops-guardian silence add [matchers] --comment TEXT (--ends-in DURATION | --ends-at TIME)
                             [--creator NAME] [--starts-at TIME] [--json]
  mlops-guardian silence list [--all] [--json]
  mlops-guardian silence expire SILENCE_ID

  matchers (at least one; every one named must match):
    --model NAME  --event-type TYPE  --action ACTION  --priority critical|high|medium|low
    --source guardian|video|report|bridge
  --creator     who creates it (default: $USER)
  --ends-in     how long it holds: 30m, 2h, 1d (or --ends-at, an ISO-8601 time in the future)
  --all         list ended silences too
`;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90m` → milliseconds; undefined when it is not a positive duration. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return ms > 0 ? ms : undefined;
}

function describe(s: Silence): string {
  const matchers = Object.entries(s.matchers)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const ended = s.expiredAt ? ` (expired ${s.expiredAt})` : '';
  return `${s.silenceId}  ${matchers}  until ${s.endsAt}${ended}  by ${s.creator}: ${s.comment}`;
}

function usageError(message?: string): number {
  process.stderr.write(`${message ? `${message}\n\n` : ''}${USAGE}`);
  return 2;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        'event-type': { type: 'string' },
        action: { type: 'string' },
        priority: { type: 'string' },
        source: { type: 'string' },
        creator: { type: 'string' },
        comment: { type: 'string' },
        'ends-in': { type: 'string' },
        'ends-at': { type: 'string' },
        'starts-at': { type: 'string' },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const [sub, ...rest] = parsed.positionals;
  const v = parsed.values;
  const print = (s: Silence) => process.stdout.write(`${v.json ? JSON.stringify(s) : describe(s)}\n`);

  // Everything the caller got wrong is said before PostgreSQL is touched: nothing is changed.
  let work: (pool: ReturnType<typeof cliPool>) => Promise<number>;
  if (sub === 'add' && rest.length === 0) {
    const now = new Date();
    let endsAt: string | undefined = v['ends-at'];
    if (v['ends-in'] !== undefined) {
      const ms = durationMs(v['ends-in']);
      if (ms === undefined)
        return usageError(`--ends-in ${JSON.stringify(v['ends-in'])} is not a duration like 30m, 2h, 1d`);
      if (endsAt !== undefined) return usageError('give --ends-in or --ends-at, not both');
      endsAt = new Date(now.getTime() + ms).toISOString();
    }
    const checked = validateSilence(
      {
        matchers: {
          model: v.model,
          eventType: v['event-type'],
          action: v.action,
          priority: v.priority,
          source: v.source,
        },
        creator: v.creator ?? process.env.USER,
        comment: v.comment,
        endsAt,
        ...(v['starts-at'] !== undefined ? { startsAt: v['starts-at'] } : {}),
      },
      now,
    );
    if (!checked.ok) {
      process.stderr.write(`silence not created: ${checked.error}\n`);
      return 2;
    }
    work = async (pool) => {
      print(await createSilence(pool, checked.silence));
      return 0;
    };
  } else if (sub === 'list' && rest.length === 0) {
    work = async (pool) => {
      const silences = await listSilences(pool, { all: v.all });
      if (silences.length === 0 && !v.json) process.stdout.write('no silences\n');
      silences.forEach(print);
      return 0;
    };
  } else if (sub === 'expire' && rest.length === 1) {
    work = async (pool) => {
      try {
        print(await expireSilence(pool, rest[0]));
        return 0;
      } catch (err) {
        if (!(err instanceof SilenceNotFound)) throw err;
        process.stderr.write(`silence not expired: ${err.message}\n`);
        return 1;
      }
    };
  } else {
    return usageError();
  }

  const config = loadConfig();
  let pool;
  try {
    pool = cliPool(config);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  try {
    return await work(pool).catch((err: Error) => {
      if (err instanceof SilenceNotFound) throw err;
      throw new Error(`cannot reach the silences in ${databaseWhere(config)}: ${err.message}`);
    });
  } finally {
    await pool.end();
  }
}
