/**
 * `npm run bench bridge`: events per second through the Kafka bridge and the time from produce
 * to "Temporal accepted the signal" (p50/p95/p99), on the local real stack: Kafka 3.9 (KRaft),
 * the Temporal dev server (SQLite) and the bridge as its own process — once on its own, once
 * with a worker processing every signal on the same machine. Target on a 2-core machine:
 * 500 events/s sustained across 100 models, p99 < 250 ms. Figures: bench/results/bridge.json.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import path from 'node:path';
import { findFreePort } from '../src/local-services/ports';
import { createLogger } from '../src/logger';
import { runToCompletion } from '../src/workers/exit-path';
import { openBenchContext } from './lib/stack';
import { createRunTopics } from './lib/topics';
import { forkBenchChild } from './lib/child-process';
import { coresUsed, cpuSeconds, latencyFigures, peakRssMiB, readPid, writeBenchResult } from './lib/results';

const RATE = Number(process.env.BENCH_BRIDGE_RATE ?? 500);
const MODELS = Number(process.env.BENCH_BRIDGE_MODELS ?? 100);
const WARMUP_SECONDS = Number(process.env.BENCH_BRIDGE_WARMUP_SECONDS ?? 30);
const WARMUP_DRAIN_SECONDS = Number(process.env.BENCH_BRIDGE_WARMUP_DRAIN_SECONDS ?? 60);
const MEASURE_SECONDS = Number(process.env.BENCH_BRIDGE_SECONDS ?? 60);
const BURST_EVENTS = Number(process.env.BENCH_BRIDGE_BURST ?? 20_000);
const PARTITIONS = Number(process.env.BENCH_BRIDGE_PARTITIONS ?? 6);
/** `without` (the bridge's own path), `with` (a worker on the same machine), or both (default). */
const WORKER_MODES = (process.env.BENCH_BRIDGE_WORKER ?? 'without,with').split(',');
const BASELINE_EVENTS = Number(process.env.BENCH_BRIDGE_BASELINE ?? 3000);
const TICK_MS = 10;

/** Forks a TypeScript entry of bench/bridge with IPC (see forkBenchChild). */
function forkChild(entry: string, env: NodeJS.ProcessEnv, onMessage?: (m: Record<string, unknown>) => void) {
  return forkBenchChild(path.join(__dirname, 'bridge', entry), env, onMessage);
}

function modelEvent(model: string, n: number, topicIndex: number): Record<string, unknown> {
  const base = {
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    source: 'bench',
    model_name: model,
  };
  switch (topicIndex) {
    case 0:
      return {
        ...base,
        event_type: 'data_drift_detected',
        drift_score: (n % 100) / 100,
        affected_features: ['f1', 'f2'],
      };
    case 1:
      return {
        ...base,
        event_type: 'model_performance_degraded',
        current_performance: 0.8,
        baseline_performance: 0.9,
        performance_drop: 0.1,
      };
    case 2:
      return {
        ...base,
        event_type: 'prediction_latency_high',
        service_name: `${model}-svc`,
        metrics: { p99_ms: 900 },
      };
    default:
      return { ...base, event_type: 'service_health_check_failed', service_name: `${model}-svc` };
  }
}

function partFigures(values: number[]) {
  const { p50Ms, p95Ms, p99Ms } = latencyFigures(values);
  return { p50: p50Ms, p95: p95Ms, p99: p99Ms };
}

/** A dev server on a fresh database registers its namespace a moment after it starts answering. */
async function waitForNamespace(client: Client, namespace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.workflowService.describeNamespace({ namespace });
      // Namespace caches refresh on their own schedule: give a just-created namespace a moment more.
      await new Promise((r) => setTimeout(r, 2000));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * The ceiling: the bridge's calls straight from a client at the bridge's concurrency, no Kafka and
 * no bridge — each model's guardian started once, then one plain signal per event. The bridge's
 * steady rate is only meaningful next to what Temporal itself takes here.
 */
async function temporalBaseline(client: Client, taskQueue: string, concurrency: number) {
  const workflowId = (model: number) => `baseline:${taskQueue}:baseline-model-${model}`;
  await Promise.all(
    Array.from({ length: MODELS }, (_, model) =>
      client.workflow.start('modelGuardianWorkflow', {
        workflowId: workflowId(model),
        taskQueue,
        args: [{ modelName: `baseline-model-${model}` }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    ),
  );
  let next = 0;
  const latencies: number[] = [];
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < BASELINE_EVENTS) {
        const n = next++;
        const model = n % MODELS;
        const t0 = Date.now();
        await client.workflow
          .getHandle(workflowId(model))
          .signal('modelEvent', modelEvent(`baseline-model-${model}`, n, 0));
        latencies.push(Date.now() - t0);
      }
    }),
  );
  return {
    events: BASELINE_EVENTS,
    concurrency,
    eventsPerSecond: Math.round((BASELINE_EVENTS / ((Date.now() - startedAt) / 1000)) * 10) / 10,
    ...latencyFigures(latencies),
  };
}

export type BenchContext = Awaited<ReturnType<typeof openBenchContext>>;

/**
 * One configuration on the shared stack, on topics, a task queue and a consumer group of its own:
 * the Temporal ceiling, then the steady rate (after a warm-up that creates the guardians and lets
 * its backlog drain), then a burst drained as fast as the bridge can.
 */
export async function measureConfiguration(
  { ctx, config }: BenchContext,
  withWorker: boolean,
  options: { rate: number; env?: NodeJS.ProcessEnv } = { rate: RATE },
) {
  const { rate } = options;
  const run = `bench-${Date.now().toString(36)}`;
  const inputs = ['drift', 'degradation', 'system-metrics', 'system-health'];
  const topics = inputs.map((t) => `${run}.${t}`);
  await createRunTopics(ctx.kafka, run, inputs, PARTITIONS);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    TEMPORAL_ADDRESS: ctx.endpoints.temporalAddress,
    KAFKA_BROKERS: ctx.endpoints.kafkaBrokers.join(','),
    DATABASE_URL: ctx.endpoints.databaseUrl,
    TEMPORAL_TASK_QUEUE: `${run}-queue`,
    KAFKA_GROUP_ID: `${run}-group`,
    KAFKA_TOPIC_DRIFT: topics[0],
    KAFKA_TOPIC_DEGRADATION: topics[1],
    KAFKA_TOPIC_SYSTEM_METRICS: topics[2],
    KAFKA_TOPIC_SYSTEM_HEALTH: topics[3],
    KAFKA_TOPIC_VIDEO: `${run}.video`,
    KAFKA_TOPIC_VIDEO_REQUESTED: `${run}.video-requested`,
    KAFKA_TOPIC_DEAD_LETTER: `${run}.dead-letter`,
    KAFKA_TOPIC_ALERTS: `${run}.alerts`,
    BRIDGE_HTTP_PORT: String(await findFreePort()),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };

  // Every accepted event: [produced, read by the bridge, its Temporal call began, accepted]
  // (ms, one clock: one machine).
  const accepted: Array<[number, number, number, number]> = [];
  const worker = withWorker ? forkChild('fixture-worker-child.ts', env) : undefined;
  await worker?.next('ready');
  await waitForNamespace(ctx.temporal.client, config.temporal.namespace);
  const baseline = await temporalBaseline(ctx.temporal.client, `${run}-queue`, config.bridge.maxInFlight);
  console.log('Temporal alone:', JSON.stringify(baseline));
  const bridge = forkChild('bridge-child.ts', env, (m) => {
    if (m.type !== 'samples') return;
    const v = m.timestamps as number[];
    for (let i = 0; i < v.length; i += 4) accepted.push([v[i], v[i + 1], v[i + 2], v[i + 3]]);
  });
  await bridge.next('ready');

  const models = Array.from({ length: MODELS }, (_, i) => `${run}-model-${String(i).padStart(3, '0')}`);
  let produced = 0;
  const produceBatch = async (count: number) => {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (let i = 0; i < count; i++) {
      const n = produced++;
      const model = models[n % MODELS];
      // A model's events stay on one topic, hence one partition: the per-model order the bridge keeps.
      const topicIndex = (n % MODELS) % topics.length;
      const list = byTopic.get(topics[topicIndex]) ?? [];
      list.push({ key: model, value: JSON.stringify(modelEvent(model, n, topicIndex)) });
      byTopic.set(topics[topicIndex], list);
    }
    await Promise.all([...byTopic].map(([topic, messages]) => ctx.producer.send(topic, messages)));
  };
  const waitForAll = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (accepted.length < produced) {
      if (Date.now() > deadline)
        throw new Error(`only ${accepted.length} of ${produced} events accepted after ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const dataDir = path.resolve(config.runtime.localServicesDir);
  const pids = {
    bridge: bridge.process.pid,
    worker: worker?.process.pid,
    benchDriver: process.pid,
    temporalDevServer: readPid(path.join(dataDir, 'temporal.pid')),
    kafkaBroker: readPid(path.join(dataDir, 'kafka', 'kafka.pid')),
  };
  const cpuNow = () =>
    Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid && cpuSeconds(pid)]));

  // Phase 1: a steady rate. The warm-up creates the guardians (a start and a signal for each
  // model's first event) and warms the JIT of Kafka's broker; what queued meanwhile must drain
  // (to under a tenth of a second of events, for at most WARMUP_DRAIN_SECONDS more) before the
  // window opens, so the window measures the sustained rate, not the start-up.
  console.log(
    `steady phase (${withWorker ? 'with' : 'without'} a worker): ${rate} events/s across ${MODELS} models, ` +
      `${WARMUP_SECONDS}s warm-up, ${MEASURE_SECONDS}s measured`,
  );
  const startedAt = Date.now();
  const produceDue = async () => {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * rate);
    if (due > produced) await produceBatch(due - produced);
    await new Promise((r) => setTimeout(r, TICK_MS));
  };
  const warmupUntil = startedAt + WARMUP_SECONDS * 1000;
  const drainUntil = warmupUntil + WARMUP_DRAIN_SECONDS * 1000;
  while (Date.now() < warmupUntil || (Date.now() < drainUntil && produced - accepted.length > rate / 10))
    await produceDue();
  const windowStart = Date.now();
  const windowEnd = windowStart + MEASURE_SECONDS * 1000;
  const backlogAtWindowStart = produced - accepted.length;
  const cpuAtWindowStart = cpuNow();
  let maxBacklog = 0;
  while (Date.now() < windowEnd) {
    await produceDue();
    maxBacklog = Math.max(maxBacklog, produced - accepted.length);
  }
  const steadyCores = coresUsed(cpuAtWindowStart, cpuNow(), MEASURE_SECONDS);
  const backlogAtWindowEnd = produced - accepted.length;
  const steadyProduced = produced;
  await waitForAll(600_000);
  const inWindow = accepted.filter(([p]) => p >= windowStart && p < windowEnd);
  const acceptedInWindow = accepted.filter(([, , , a]) => a >= windowStart && a < windowEnd).length;
  const steady = {
    targetEventsPerSecond: rate,
    eventsPerSecond: Math.round((acceptedInWindow / MEASURE_SECONDS) * 10) / 10,
    warmupSeconds: (windowStart - startedAt) / 1000,
    backlogAtWindowStart,
    eventsProducedInWindow: inWindow.length,
    maxBacklogEvents: maxBacklog,
    backlogAtWindowEnd,
    ...latencyFigures(inWindow.map(([p, , , a]) => a - p)),
    /** Where that time went: Kafka (produce → read), waiting (for the model's previous call and a free slot), the Temporal call. */
    latencyPartsMs: {
      kafka: partFigures(inWindow.map(([p, r]) => r - p)),
      waiting: partFigures(inWindow.map(([, r, c]) => c - r)),
      temporalCall: partFigures(inWindow.map(([, , c, a]) => a - c)),
    },
    /** Average cores each process used during the measured window (the machine has os.cpus()). */
    coresUsed: steadyCores,
  };
  console.log('steady:', JSON.stringify(steady));

  // Phase 2: capacity — a backlog produced as fast as possible, drained by the bridge.
  console.log(`burst phase: ${BURST_EVENTS} events as fast as possible`);
  const burstFrom = accepted.length;
  const burstStart = Date.now();
  for (let sent = 0; sent < BURST_EVENTS; sent += 1000)
    await produceBatch(Math.min(1000, BURST_EVENTS - sent));
  const producedBurstAt = Date.now();
  await waitForAll(600_000);
  const burstAccepted = accepted.slice(burstFrom);
  const lastAccepted = Math.max(...burstAccepted.map(([, , , a]) => a));
  const burst = {
    events: BURST_EVENTS,
    produceSeconds: (producedBurstAt - burstStart) / 1000,
    drainSeconds: (lastAccepted - burstStart) / 1000,
    eventsPerSecond: Math.round((BURST_EVENTS / ((lastAccepted - burstStart) / 1000)) * 10) / 10,
  };
  console.log('burst:', JSON.stringify(burst));

  const stopBridge = bridge.next('stopped');
  bridge.process.send({ type: 'stop' });
  const bridgeStopped = await stopBridge;
  const stopWorker = worker?.next('stopped');
  worker?.process.send({ type: 'stop' });
  const workerStopped = await stopWorker;
  return {
    steady,
    burst,
    temporalAlone: baseline,
    totalEvents: produced,
    steadyEvents: steadyProduced,
    deadLetters: /bridge_dead_letters_total\{[^}]*\} (\d+)/.exec(String(bridgeStopped.metrics))?.[1] ?? '0',
    bridgeStoppedCleanly: bridgeStopped.clean,
    peakRssMiB: {
      bridge: bridgeStopped.peakRssMiB,
      worker: workerStopped?.peakRssMiB,
      benchDriver: peakRssMiB(),
      temporalDevServer: pids.temporalDevServer && peakRssMiB(pids.temporalDevServer),
      kafkaBroker: pids.kafkaBroker && peakRssMiB(pids.kafkaBroker),
    },
    targetMet: steady.eventsPerSecond >= rate * 0.98 && steady.p99Ms < 250,
  };
}

async function main(): Promise<void> {
  const loadAtStart = Math.round(os.loadavg()[0] * 100) / 100;
  const bench = await openBenchContext('bridge');
  const figures: Record<string, unknown> = {};
  if (WORKER_MODES.includes('without')) {
    // The bridge's own path: Kafka → bridge → Temporal accepted, with no worker competing for
    // the 2 cores (in production the workers run elsewhere). Signals wait in their workflows.
    figures.bridgeToTemporal = await measureConfiguration(bench, false);
  }
  if (WORKER_MODES.includes('with')) {
    // The whole product on one machine: a worker processing every signal beside the stack.
    figures.withWorkerOnSameMachine = await measureConfiguration(bench, true);
  }
  figures.loadAverage1m = { atStart: loadAtStart, atEnd: Math.round(os.loadavg()[0] * 100) / 100 };
  const { config } = bench;
  writeBenchResult('bridge', figures, {
    rateEventsPerSecond: RATE,
    models: MODELS,
    warmupSeconds: WARMUP_SECONDS,
    warmupDrainSecondsAtMost: WARMUP_DRAIN_SECONDS,
    measureSeconds: MEASURE_SECONDS,
    burstEvents: BURST_EVENTS,
    inputTopics: 4,
    partitionsPerTopic: PARTITIONS,
    bridgeMaxInFlight: config.bridge.maxInFlight,
    bridgePartitionsConcurrently: config.bridge.partitionsConcurrently,
    configurations: WORKER_MODES,
    processes:
      'bench driver (producer) | bridge (own process) | [worker with recording stand-in workflows] | Temporal dev server (SQLite, WAL) | Kafka 3.9 KRaft',
    temporalCalls: 'a plain signal per event; a start first for a model without a running guardian',
    latency: 'Kafka message timestamp (producer) → Temporal accepted the signal',
  });
  await bench.ctx.close();
}

// Ctrl-C, SIGTERM, SIGHUP or a failure: children and the local stack are stopped all the same.
// Also a library: the Kafka client comparison (kafka-clients.bench.ts) measures through it.
if (require.main === module) runToCompletion(createLogger({ level: 'warn', pretty: false }), main);
