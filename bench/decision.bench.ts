/**
 * `npm run bench -- decision`: the path that matters, Kafka event → guardian decision recorded.
 * A producer here, the bridge and the worker each in their own process, on the local real stack
 * (Kafka KRaft, the Temporal dev server, PostgreSQL); the real guardian workflows and policy, local
 * backends (built-in registry, PostgreSQL scaling and monitoring, Kafka alerts, `true` as the
 * training command). Latency of every event: its Kafka message timestamp → `recorded_at` of its
 * row in guardian_decisions (one machine, one clock). A sweep of steady rates, each warmed up,
 * measured, then drained. Figures: bench/results/decision.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../src/local-services/ports';
import { AuditRowFollower } from './decision/audit-rows';
import { type InputTopic, mixedEvent } from './decision/event-mix';
import { scrapeSdkMetrics, sdkMetricsBetween } from './decision/sdk-metrics';
import { historyTiming } from './decision/history-timing';
import { PROCESS_MEMORY_ENV, PROCESS_NODE_FLAGS } from '../src/workers/process-memory';
import { guardianWorkflowIdFor } from '../src/contracts/guardian-shards';
import { forkBenchChild } from './lib/child-process';
import { runToCompletion } from '../src/workers/exit-path';
import { createLogger } from '../src/logger';
import {
  coresUsed,
  cpuSeconds,
  peakRssMiB,
  latencyFigures,
  readPid,
  treeCpuSeconds,
  writeBenchResult,
} from './lib/results';
import { benchDataDir, openBenchContext } from './lib/stack';
import { createRunTopics } from './lib/topics';

const env = process.env;
const MODELS = Number(env.BENCH_DECISION_MODELS ?? 100);
const RATES = (env.BENCH_DECISION_RATES ?? '50,100,250,500,1000').split(',').map(Number);
const WARMUP_SECONDS = Number(env.BENCH_DECISION_WARMUP_SECONDS ?? 10);
const MEASURE_SECONDS = Number(env.BENCH_DECISION_SECONDS ?? 30);
const DRAIN_LIMIT_SECONDS = Number(env.BENCH_DECISION_DRAIN_SECONDS ?? 60);
const PARTITIONS = Number(env.BENCH_DECISION_PARTITIONS ?? 6);
/** GUARDIAN_SHARDS of the bridge and the worker (0: one guardian workflow per model). */
const SHARDS = Number(env.GUARDIAN_SHARDS ?? 0);
const NODE_DEFAULTS = env.BENCH_DECISION_NODE_DEFAULTS === '1';

/** The variables of `from` that are set, by name. */
function pick(from: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((n) => (from[n] !== undefined ? [[n, from[n]!]] : [])));
}

/** bench/results/decision.json for the default run; other model counts and shard counts apart. */
function resultName(): string {
  const models = MODELS === 100 ? '' : `-${MODELS}-models`;
  const shards = SHARDS > 0 ? `-${SHARDS}-shards` : '';
  return `decision${models}${shards}`;
}
/** A rate whose p99 exceeds this is the last one tried: higher rates only queue more. */
const GIVE_UP_P99_MS = 5_000;
const TICK_MS = 10;
const INPUT_TOPICS: InputTopic[] = ['drift', 'degradation', 'system-metrics', 'system-health'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const loadAtStart = os.loadavg().map(round);
  // Guardians of earlier runs never end, and their timers and retries would keep a reused Temporal
  // database busy: every run starts from an empty one, so runs can be compared.
  for (const file of ['temporal.sqlite', 'temporal.sqlite-wal', 'temporal.sqlite-shm'])
    fs.rmSync(path.join(benchDataDir('decision'), file), { force: true });
  const { ctx, config } = await openBenchContext('decision');
  const run = `decision-${Date.now().toString(36)}`;
  const topicOf = (t: string) => `${run}.${t}`;

  await createRunTopics(ctx.kafka, run, INPUT_TOPICS, PARTITIONS);

  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    TEMPORAL_ADDRESS: ctx.endpoints.temporalAddress,
    KAFKA_BROKERS: ctx.endpoints.kafkaBrokers.join(','),
    DATABASE_URL: ctx.endpoints.databaseUrl,
    TEMPORAL_TASK_QUEUE: `${run}-queue`,
    KAFKA_GROUP_ID: `${run}-group`,
    KAFKA_TOPIC_DRIFT: topicOf('drift'),
    KAFKA_TOPIC_DEGRADATION: topicOf('degradation'),
    KAFKA_TOPIC_SYSTEM_METRICS: topicOf('system-metrics'),
    KAFKA_TOPIC_SYSTEM_HEALTH: topicOf('system-health'),
    KAFKA_TOPIC_VIDEO: topicOf('video'),
    KAFKA_TOPIC_VIDEO_REQUESTED: topicOf('video-requested'),
    KAFKA_TOPIC_DEAD_LETTER: topicOf('dead-letter'),
    KAFKA_TOPIC_ALERTS: topicOf('alerts'),
    BRIDGE_HTTP_PORT: String(await findFreePort()),
    TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${await findFreePort()}`,
    // RETRAIN and ROLLBACK run at any hour, so the mix does the same work whenever it is measured.
    BUSINESS_HOURS_START: '0',
    BUSINESS_HOURS_END: '23',
    DRY_RUN: 'false',
    TRAINING_COMMAND: 'true',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    // The bridge and the worker start as the image starts them (src/workers/process-memory.ts),
    // unless BENCH_DECISION_NODE_DEFAULTS=1 asks for Node's defaults to compare.
    ...(NODE_DEFAULTS ? {} : { ...PROCESS_MEMORY_ENV, ...pick(env, Object.keys(PROCESS_MEMORY_ENV)) }),
    BENCH_CHILD_NODE_ARGS: [...(NODE_DEFAULTS ? [] : PROCESS_NODE_FLAGS), env.BENCH_CHILD_NODE_ARGS ?? '']
      .join(' ')
      .trim(),
  };

  const worker = forkBenchChild(path.join(__dirname, 'decision', 'worker-child.ts'), childEnv);
  await worker.next('ready');
  // Per bridge delivery: [produced, read by the bridge, its Temporal call began, accepted].
  const delivered: Array<[number, number, number, number]> = [];
  const bridge = forkBenchChild(path.join(__dirname, 'bridge', 'bridge-child.ts'), childEnv, (m) => {
    if (m.type !== 'samples') return;
    const v = m.timestamps as number[];
    for (let i = 0; i < v.length; i += 4) delivered.push([v[i], v[i + 1], v[i + 2], v[i + 3]]);
  });
  await bridge.next('ready');

  const models = Array.from({ length: MODELS }, (_, i) => `${run}-model-${String(i).padStart(4, '0')}`);
  const producedAt = new Map<string, number>();
  const rows = new AuditRowFollower(ctx.pool, `${run}-model-`);
  let produced = 0;
  const produceBatch = async (count: number) => {
    const byTopic = new Map<string, Array<{ key: string; value: string; timestamp: string }>>();
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const n = produced++;
      const model = models[n % MODELS];
      const { topic, event } = mixedEvent(model, n % MODELS, Math.floor(n / MODELS));
      producedAt.set(event.event_id as string, now);
      const list = byTopic.get(topicOf(topic)) ?? [];
      list.push({ key: model, value: JSON.stringify(event), timestamp: String(now) });
      byTopic.set(topicOf(topic), list);
    }
    await Promise.all([...byTopic].map(([topic, messages]) => ctx.producer.send(topic, messages)));
  };
  const produceFor = async (rate: number, seconds: number) => {
    const startedAt = Date.now();
    const base = produced;
    let lastPoll = 0;
    while (Date.now() < startedAt + seconds * 1000) {
      const due = base + Math.floor(((Date.now() - startedAt) / 1000) * rate);
      if (due > produced) await produceBatch(due - produced);
      if (Date.now() - lastPoll > 500) {
        lastPoll = Date.now();
        await rows.poll();
      }
      await sleep(TICK_MS);
    }
  };
  const recordedAll = async (ids: string[], limitSeconds: number) => {
    const deadline = Date.now() + limitSeconds * 1000;
    for (;;) {
      await rows.poll();
      if (ids.every((id) => rows.recordedAt.has(id))) return true;
      if (Date.now() > deadline) return false;
      await sleep(500);
    }
  };

  const dataDir = path.resolve(config.runtime.localServicesDir);
  const pids = {
    bridge: bridge.process.pid,
    worker: worker.process.pid,
    benchDriver: process.pid,
    temporalDevServer: readPid(path.join(dataDir, 'temporal.pid')),
    kafkaBroker: readPid(path.join(dataDir, 'kafka', 'kafka.pid')),
    postgres: readPid(path.join(dataDir, 'postgres', 'postgres.pid')),
  };
  const cpuNow = () =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [
        name,
        pid && (name === 'postgres' ? treeCpuSeconds(pid) : cpuSeconds(pid)),
      ]),
    );

  const rates: Array<Record<string, unknown>> = [];
  for (const [index, rate] of RATES.entries()) {
    // The first warm-up also starts every model's guardian; it must drain before measuring.
    console.log(`rate ${rate} events/s: ${WARMUP_SECONDS}s warm-up`);
    const warmFrom = producedAt.size;
    await produceFor(rate, WARMUP_SECONDS);
    if (index === 0) await recordedAll([...producedAt.keys()].slice(warmFrom), DRAIN_LIMIT_SECONDS);
    const loadAverage1m = round(os.loadavg()[0]);
    const cpuBefore = cpuNow();
    const metricsBefore = await scrapeSdkMetrics(childEnv.TEMPORAL_METRICS_ADDRESS!);
    const windowStart = Date.now();
    const firstInWindow = produced;
    console.log(`rate ${rate} events/s: ${MEASURE_SECONDS}s measured`);
    await produceFor(rate, MEASURE_SECONDS);
    const windowEnd = Date.now();
    const cpu = coresUsed(cpuBefore, cpuNow(), (windowEnd - windowStart) / 1000);
    const workerSide = sdkMetricsBetween(
      metricsBefore,
      await scrapeSdkMetrics(childEnv.TEMPORAL_METRICS_ADDRESS!),
    );
    const inWindow = [...producedAt.keys()].slice(firstInWindow);
    const drained = await recordedAll(inWindow, DRAIN_LIMIT_SECONDS);
    const latencies = inWindow
      .filter((id) => rows.recordedAt.has(id))
      .map((id) => rows.recordedAt.get(id)! - producedAt.get(id)!);
    // When the slowest event was produced: to match a stall with the history's slowest tasks.
    const slowest = inWindow.reduce<string | undefined>(
      (worst, id) =>
        (rows.recordedAt.get(id) ?? 0) - producedAt.get(id)! >
        (worst ? (rows.recordedAt.get(worst) ?? 0) - producedAt.get(worst)! : -1)
          ? id
          : worst,
      undefined,
    );
    const recordedInWindow = inWindow.filter(
      (id) => (rows.recordedAt.get(id) ?? Infinity) < windowEnd,
    ).length;
    const bridgeParts = delivered.filter(([p]) => p >= windowStart && p < windowEnd);
    const figures = {
      targetEventsPerSecond: rate,
      eventsProduced: inWindow.length,
      eventsRecorded: latencies.length,
      recordedPerSecondInWindow: round(recordedInWindow / ((windowEnd - windowStart) / 1000)),
      drained,
      ...latencyFigures(latencies),
      slowestProducedAt: slowest ? new Date(producedAt.get(slowest)!).toISOString() : undefined,
      /** The bridge's share: Kafka (produce → read), waiting in the bridge, the signal RPC. */
      bridgePartsP99Ms: {
        kafka: latencyFigures(bridgeParts.map(([p, r]) => r - p)).p99Ms,
        bridgeWait: latencyFigures(bridgeParts.map(([, r, c]) => c - r)).p99Ms,
        signalRpc: latencyFigures(bridgeParts.map(([, , c, a]) => a - c)).p99Ms,
      },
      /** The worker's side, from the Temporal SDK's metrics over the measured window. */
      worker: workerSide,
      coresUsed: cpu,
      loadAverage1m,
    };
    console.log(JSON.stringify(figures));
    rates.push(figures);
    if (!drained || figures.p99Ms > GIVE_UP_P99_MS) break;
  }

  const held = (limitMs: number) =>
    Math.max(
      0,
      ...rates
        .filter((r) => r.drained && (r.p99Ms as number) <= limitMs)
        .map((r) => r.targetEventsPerSecond as number),
    );
  // Where one guardian's (or shard's) time went, from its own history: the last runs of the first.
  const timedWorkflow = guardianWorkflowIdFor(models[0], SHARDS);
  const history = await historyTiming(ctx.temporal.client, timedWorkflow).catch((err: Error) => ({
    workflowId: timedWorkflow,
    error: err.message,
  }));
  const stopBridge = bridge.next('stopped');
  bridge.process.send({ type: 'stop' });
  const bridgeStopped = await stopBridge;
  const stopWorker = worker.next('stopped');
  worker.process.send({ type: 'stop' });
  const workerStopped = await stopWorker;
  // The default fleet keeps the file README quotes; another size gets its own, so both can be kept.
  writeBenchResult(
    resultName(),
    {
      rates,
      highestRateHeldP99Within250Ms: held(250),
      highestRateHeldP99Within1s: held(1000),
      history,
      peakRssMiB: {
        bridge: bridgeStopped.peakRssMiB,
        worker: workerStopped.peakRssMiB,
        benchDriver: peakRssMiB(),
        temporalDevServer: pids.temporalDevServer && peakRssMiB(pids.temporalDevServer),
        kafkaBroker: pids.kafkaBroker && peakRssMiB(pids.kafkaBroker),
        postgresPostmaster: pids.postgres && peakRssMiB(pids.postgres),
      },
      loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map(round) },
    },
    {
      models: MODELS,
      guardianShards: SHARDS,
      processFlags: NODE_DEFAULTS
        ? 'Node defaults'
        : [...PROCESS_NODE_FLAGS, ...Object.entries(PROCESS_MEMORY_ENV).map(([k, v]) => `${k}=${v}`)].join(
            ' ',
          ),
      rates: RATES,
      warmupSeconds: WARMUP_SECONDS,
      measureSeconds: MEASURE_SECONDS,
      drainLimitSeconds: DRAIN_LIMIT_SECONDS,
      partitionsPerTopic: PARTITIONS,
      workerOptions: JSON.parse(env.BENCH_DECISION_WORKER_OPTIONS ?? '{}'),
      mix: 'per model, of 50 events: 1 HIGH drift (RETRAIN), 1 HIGH degradation (ROLLBACK), 5 LOW latency (MONITOR), 5 LOW health (ALERT), 38 LOW drift (MONITOR); repeats inside a cooldown are skipped',
      processes:
        'bench driver (producer, audit reader) | bridge | worker (real guardian workflows) | Temporal dev server (SQLite) | Kafka KRaft | PostgreSQL',
      latency: 'Kafka message timestamp (producer) → recorded_at of the event’s guardian_decisions row',
    },
  );
}

// Finished, failed, Ctrl-C, SIGTERM or SIGHUP: children and the local stack are stopped all the same.
runToCompletion(createLogger({ level: 'warn', pretty: false }), main);
