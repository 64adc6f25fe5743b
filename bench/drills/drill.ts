/**
 * `scripts/drill.sh NAME [--repeat N] [--hogs K]` (or `npm run drill -- …`): runs a fault drill N
 * times on the real local stack while K CPU hogs run, prints each run and the total, and records
 * them in bench/results/drills.json. The bar: every run delivers every event (0 lost), none twice
 * (0 duplicated), in order per model, within the recovery bound. Exit status 1 when a run misses it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../src/logger';
import { runToCompletion } from '../../src/workers/exit-path';
import {
  createBridgeTestEnv,
  startFixtureWorker,
  type BridgeTestEnv,
} from '../../test/helpers/bridge-harness';
import { RESULTS_DIR, writeBenchResult } from '../lib/results';
import { openBenchContext } from '../lib/stack';
import { bridgeSigkillDrill } from './bridge-sigkill';
import { startCpuHogs } from './cpu-hogs';
import { handoverDrill } from './handover';
import { poisonDrill } from './poison';
import type { DrillRun } from './tally';
import { workerSigkillDrill } from './worker-sigkill';
import { temporalRestartDrill } from './temporal-restart';
import { kafkaRestartDrill } from './kafka-restart';
import { detectorOomDrill } from './detector-oom';
import { postgresDownDrill } from './postgres-down';

/** A bridge drill on names of its own, with recording stand-in guardians on its task queue. */
function onBridgeEnv(drill: (t: BridgeTestEnv) => Promise<DrillRun>): () => Promise<DrillRun> {
  return async () => {
    const t = await createBridgeTestEnv();
    const worker = await startFixtureWorker(t.env.TEMPORAL_ADDRESS!, t.taskQueue);
    try {
      return await drill(t);
    } finally {
      await worker.stop();
      await t.close();
    }
  };
}

const DRILLS: Record<string, { what: string; run: () => Promise<DrillRun> }> = {
  handover: { what: 'consumer-group handover 2 → 3 → 1 bridges mid-stream', run: onBridgeEnv(handoverDrill) },
  'bridge-sigkill': {
    what: 'bridge process SIGKILL mid-stream, then restarted',
    run: onBridgeEnv(bridgeSigkillDrill),
  },
  poison: {
    what: '10,000 poison messages interleaved with 10,000 good events',
    run: onBridgeEnv(poisonDrill),
  },
  'worker-sigkill': {
    what: 'worker process SIGKILL mid-retrain (HTTP training jobs running), then restarted',
    run: workerSigkillDrill,
  },
  'temporal-restart': {
    what: 'Temporal dev server stopped mid-stream, restarted on its SQLite file',
    run: temporalRestartDrill,
  },
  'kafka-restart': {
    what: 'Kafka broker stopped mid-stream, restarted on its data directory',
    run: kafkaRestartDrill,
  },
  'postgres-down': {
    what: 'PostgreSQL stopped for 30 s while a video is mid-save and guardians write audit rows, restarted on its data directory',
    run: postgresDownDrill,
  },
  'detector-oom': {
    what: 'detector out of GPU memory above batch size 1 (jobs must halve down to 1 and finish), then even at 1 (jobs must fail with the reason and an alarm)',
    run: detectorOomDrill,
  },
};

/** Runs every drill in turn: CI's share is `all` once each, without hogs. */
const ALL = 'all';

const DRILL_LIST = Object.entries(DRILLS)
  .map(([name, d]) => `  ${name.padEnd(16)} ${d.what}`)
  .join('\n');
const USAGE = `usage: scripts/drill.sh NAME [--repeat N] [--hogs K] [--no-record]

drills:
${DRILL_LIST}
  ${ALL.padEnd(16)} every drill above in turn
`;

function passed(run: DrillRun | { error: string }): boolean {
  return (
    !('error' in run) &&
    run.lost === 0 &&
    run.duplicated === 0 &&
    run.outOfOrderModels === 0 &&
    (run.deadLetters === undefined ||
      (run.deadLetters.lost === 0 &&
        run.deadLetters.duplicated === 0 &&
        run.deadLetters.withoutReason === 0)) &&
    run.recoverSeconds !== undefined
  );
}

/** Bad messages and their dead letters over all runs, for drills that feed them. */
function deadLetterTotal(runs: Array<DrillRun | { error: string }>): {
  deadLetters?: Record<string, number>;
} {
  const tallies = runs.flatMap((r) => ('error' in r || !r.deadLetters ? [] : [r.deadLetters]));
  if (tallies.length === 0) return {};
  const sum = (key: 'poison' | 'deadLettered' | 'lost' | 'duplicated' | 'withoutReason') =>
    tallies.reduce((n, t) => n + t[key], 0);
  return {
    deadLetters: {
      poison: sum('poison'),
      deadLettered: sum('deadLettered'),
      lost: sum('lost'),
      duplicated: sum('duplicated'),
      withoutReason: sum('withoutReason'),
    },
  };
}

/** Video jobs over all runs, for drills that run them. */
function videoJobTotal(runs: Array<DrillRun | { error: string }>): { videoJobs?: Record<string, number> } {
  const tallies = runs.flatMap((r) => ('error' in r || !r.videoJobs ? [] : [r.videoJobs]));
  if (tallies.length === 0) return {};
  const videoJobs: Record<string, number> = {};
  for (const t of tallies)
    for (const [key, n] of Object.entries(t)) {
      if (typeof n !== 'number' || key === 'smallestBatch') continue;
      videoJobs[key] = (videoJobs[key] ?? 0) + n;
    }
  return { videoJobs };
}

/** drills.json keeps the latest figures of every drill; this run replaces its own drill's entry. */
function previousFigures(): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, 'drills.json'), 'utf8')).figures ?? {};
  } catch {
    return {};
  }
}

/** The drill, how often and beside how many hogs, from the command line; usage and exit 2 if wrong. */
function parseCommandLine(): { names: string[]; repeat: number; hogs: number; keep: boolean } {
  const usage = (): never => {
    process.stderr.write(USAGE);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        repeat: { type: 'string', default: '1' },
        hogs: { type: 'string', default: '0' },
        // CI's share (`all`, once each) checks the drills without replacing the recorded series.
        'no-record': { type: 'boolean', default: false },
      },
    });
  } catch {
    return usage();
  }
  const [name] = parsed.positionals;
  const repeat = Number(parsed.values.repeat);
  const hogs = Number(parsed.values.hogs);
  const known = name === ALL || DRILLS[name ?? ''] !== undefined;
  if (!known || parsed.positionals.length !== 1 || !(repeat >= 1) || !(hogs >= 0)) return usage();
  const names = name === ALL ? Object.keys(DRILLS) : [name];
  return { names, repeat, hogs, keep: !parsed.values['no-record'] };
}

/** Sums over a drill's runs. */
function totalOf(runs: Array<DrillRun | { error: string }>) {
  const ok = runs.filter(passed).length;
  type Count =
    | 'produced'
    | 'delivered'
    | 'decisions'
    | 'actionsExecuted'
    | 'lost'
    | 'duplicated'
    | 'redeliveriesDropped'
    | 'outOfOrderModels';
  const sum = (key: Count) => runs.reduce((n, r) => n + (('error' in r ? 0 : r[key]) ?? 0), 0);
  const recover = runs.flatMap((r) =>
    'error' in r || r.recoverSeconds === undefined ? [] : [r.recoverSeconds],
  );
  return {
    passed: `${ok} of ${runs.length}`,
    produced: sum('produced'),
    delivered: sum('delivered'),
    ...(runs.some((r) => 'decisions' in r) ? { decisions: sum('decisions') } : {}),
    ...(runs.some((r) => 'actionsExecuted' in r) ? { actionsExecuted: sum('actionsExecuted') } : {}),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    redeliveriesDropped: sum('redeliveriesDropped'),
    outOfOrderModels: sum('outOfOrderModels'),
    recoverSecondsMax: recover.length ? Math.max(...recover) : undefined,
    loadAverageMax: Math.max(0, ...runs.map((r) => ('error' in r ? 0 : (r.loadAverage?.max ?? 0)))),
    ...deadLetterTotal(runs),
    ...videoJobTotal(runs),
  };
}

/** Replaces this drill's entry in bench/results/drills.json with the runs so far. */
function record(name: string, what: string, hogs: number, runs: Array<DrillRun | { error: string }>): void {
  writeBenchResult(
    'drills',
    {
      ...previousFigures(),
      [name]: { what, repeat: runs.length, cpuHogs: hogs, total: totalOf(runs), runs },
    },
    {
      drills: Object.keys(DRILLS),
      bar: "every run: 0 lost, 0 duplicated, in order per model, recovered within 120 s (300 s after a worker SIGKILL: the training heartbeat timeout is 1 min, then a 30 s retry interval; 180 s from PostgreSQL's return in postgres-down)",
    },
  );
}

/** Runs `run` while sampling the 1-minute load average every 5 s: how busy the machine really was. */
async function underLoadWatch(run: () => Promise<DrillRun>): Promise<DrillRun> {
  const samples = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 5_000);
  try {
    const result = await run();
    const round = (n: number) => Math.round(n * 10) / 10;
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    return { ...result, loadAverage: { mean: round(mean), max: round(Math.max(...samples)) } };
  } finally {
    clearInterval(timer);
  }
}

/** Runs one drill `repeat` times, recording after every run; the number of runs that missed the bar. */
async function runSeries(name: string, repeat: number, hogs: number, keep: boolean): Promise<number> {
  const drill = DRILLS[name];
  const runs: Array<DrillRun | { error: string }> = [];
  for (let i = 1; i <= repeat; i++) {
    const run = await underLoadWatch(drill.run).catch((err: Error) => ({ error: err.message }));
    runs.push(run);
    console.log(`${name} run ${i}/${repeat}: ${passed(run) ? 'PASS' : 'FAIL'} ${JSON.stringify(run)}`);
    // Recorded after every run: a long series stopped early keeps the runs it finished.
    if (keep) record(name, drill.what, hogs, runs);
  }
  console.log(`${name} total: ${JSON.stringify(totalOf(runs))}`);
  return runs.length - runs.filter(passed).length;
}

async function main(): Promise<void> {
  const { names, repeat, hogs, keep } = parseCommandLine();
  const { ctx } = await openBenchContext('drills');
  // The bridge tests' machinery reads the stack from the environment, as under `npm test`.
  Object.assign(process.env, {
    TEMPORAL_ADDRESS: ctx.endpoints.temporalAddress,
    KAFKA_BROKERS: ctx.endpoints.kafkaBrokers.join(','),
    DATABASE_URL: ctx.endpoints.databaseUrl,
  });
  const stopHogs = startCpuHogs(hogs);
  const missed: string[] = [];
  try {
    for (const name of names) {
      const failures = await runSeries(name, repeat, hogs, keep);
      if (failures > 0) missed.push(`${name}: ${failures} of ${repeat} runs`);
    }
  } finally {
    stopHogs();
    await ctx.close();
  }
  if (missed.length > 0) throw new Error(`missed the bar: ${missed.join('; ')}`);
}

runToCompletion(createLogger({ level: 'warn', pretty: false }), main);
