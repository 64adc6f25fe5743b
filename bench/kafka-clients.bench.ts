/**
 * `npm run bench kafka-clients`: the two Kafka clients (KAFKA_CLIENT=kafkajs, platformatic) side by
 * side in one run, on one local stack: raw produce and consume throughput (each in a process of its
 * own: CPU seconds, peak RSS), then the bridge (Kafka → Temporal accepted, no worker) at 500 and
 * 2,000 events/s: achieved rate, p50/p99, the bridge's cores and peak RSS. Both run on the same
 * Node.js, which @platformatic/kafka needs to be >= 22.22 (scripts/bench.sh provides it). The
 * machine's 1-minute load average is recorded beside every figure. Results:
 * bench/results/kafka-clients.json.
 */
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger';
import { runToCompletion } from '../src/workers/exit-path';
import { forkBenchChild } from './lib/child-process';
import { openBenchContext } from './lib/stack';
import { writeBenchResult } from './lib/results';

const CLIENTS = (process.env.BENCH_CLIENTS ?? 'kafkajs,platformatic').split(',');
const RATES = (process.env.BENCH_CLIENT_RATES ?? '500,2000').split(',').map(Number);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
// Shorter phases than `bench bridge`: four bridge runs share one sitting.
process.env.BENCH_BRIDGE_WARMUP_SECONDS ??= '15';
process.env.BENCH_BRIDGE_WARMUP_DRAIN_SECONDS ??= '20';
process.env.BENCH_BRIDGE_SECONDS ??= '30';
process.env.BENCH_BRIDGE_BURST ??= '5000';
process.env.BENCH_BRIDGE_BASELINE ??= '1000';

const load = () => Math.round(os.loadavg()[0] * 100) / 100;

async function throughput(client: string, env: NodeJS.ProcessEnv) {
  const child = forkBenchChild(path.join(__dirname, 'kafka-clients', 'throughput-child.ts'), {
    ...env,
    KAFKA_CLIENT: client,
    BENCH_MESSAGES: String(MESSAGES),
  });
  const loadAtStart = load();
  const { type: _type, ...result } = await child.next('result');
  return { ...result, loadAverage1m: { atStart: loadAtStart, atEnd: load() } };
}

async function main(): Promise<void> {
  // Read after the phase settings above are in place (they are read when the module loads).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { measureConfiguration } = require('./bridge.bench') as typeof import('./bridge.bench');
  const loadAtStart = load();
  const bench = await openBenchContext('kafka-clients');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: bench.ctx.endpoints.kafkaBrokers.join(','),
    LOG_LEVEL: 'warn',
  };
  const figures: Record<string, unknown> = {};
  for (const client of CLIENTS) {
    console.log(`== ${client}: produce and consume ${MESSAGES} messages`);
    const raw = await throughput(client, env);
    console.log(JSON.stringify(raw));
    const bridge: Record<string, unknown> = {};
    for (const rate of RATES) {
      console.log(`== ${client}: bridge at ${rate} events/s`);
      const loadBefore = load();
      const m = await measureConfiguration(bench, false, { rate, env: { KAFKA_CLIENT: client } });
      bridge[`${rate}`] = {
        eventsPerSecond: m.steady.eventsPerSecond,
        p50Ms: m.steady.p50Ms,
        p99Ms: m.steady.p99Ms,
        maxBacklogEvents: m.steady.maxBacklogEvents,
        bridgeCores: (m.steady.coresUsed as Record<string, unknown>).bridge,
        bridgePeakRssMiB: m.peakRssMiB.bridge,
        burstEventsPerSecond: m.burst.eventsPerSecond,
        deadLetters: m.deadLetters,
        loadAverage1m: { atStart: loadBefore, atEnd: load() },
      };
      console.log(JSON.stringify(bridge[`${rate}`]));
    }
    figures[client] = { ...raw, bridge };
  }
  figures.loadAverage1m = { atStart: loadAtStart, atEnd: load() };
  writeBenchResult('kafka-clients', figures, {
    clients: CLIENTS,
    rates: RATES,
    messages: MESSAGES,
    warmupSeconds: Number(process.env.BENCH_BRIDGE_WARMUP_SECONDS),
    measureSeconds: Number(process.env.BENCH_BRIDGE_SECONDS),
    burstEvents: Number(process.env.BENCH_BRIDGE_BURST),
  });
  await bench.ctx.close();
}

runToCompletion(createLogger({ level: 'warn', pretty: false }), main);
