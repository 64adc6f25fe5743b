/**
 * Daily report throughput: generates a 1 GiB log set (text, pino JSON, PERF lines, rotated
 * and gzip files, a few malformed lines) in a temp directory, then runs the real report
 * workflow on a local stack and measures MB/s of log text and the peak resident memory of the
 * worker process doing the work.
 *
 * The worker runs in its own process on COMPILED JavaScript with a prebuilt workflow bundle,
 * as `npm start` runs in production (no ts-node, no webpack in it): the Temporal worker, the
 * Kafka producer, a PostgreSQL pool and the real report activities, started with the Node.js
 * flags and environment of the image (src/workers/process-memory.ts). Its peak-RSS mark is reset
 * once it is ready, so the figure is the worker's own while it writes the report. The log set
 * is deleted afterwards.
 *
 *   npm run bench report                      # 1 GiB through the workflow
 *   BENCH_REPORT_MIB=256 npm run bench report # a smaller set
 *   BENCH_REPORT_MODE=direct …                # activity functions called in this process, no Temporal
 *   BENCH_REPORT_CORPUS=dir …                 # generate the log set into dir once and keep it
 *   BENCH_REPORT_NODE_DEFAULTS=1 …            # the worker on Node's defaults (no process-memory.ts)
 *
 * The generator is seeded, so a kept log set is the same bytes a fresh one would be; keeping it
 * saves a minute of generation per run when comparing changes.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyseLogChunk } from '../src/activities/report/analyse-log-chunk';
import { createPlanDailyReport } from '../src/activities/report/plan-daily-report';
import { loadConfig } from '../src/config';
import { LogAggregate, mergeAllAggregates, reportWindow } from '../src/domain/log-analysis';
import { createLogger } from '../src/logger';
import { onExit, runToCompletion } from '../src/workers/exit-path';
import { DAILY_REPORT_WORKFLOW_TYPE, dailyReportWorkflowId } from '../src/contracts/workflows';
import type { DailyReportResult } from '../src/contracts/workflows';
import { peakRssMiB, writeBenchResult } from './lib/results';
import { PROJECT_ROOT } from '../src/local-services/provision';
import { openBenchContext } from './lib/stack';
import { PROCESS_MEMORY_ENV, PROCESS_NODE_FLAGS } from '../src/workers/process-memory';

const MIB = 1024 * 1024;
const REPORT_DATE = '2024-06-12';
const TZ = 'Europe/Berlin'; // CEST all day: local = UTC + 2 h
const TOTAL_MIB = Number(process.env.BENCH_REPORT_MIB ?? 1024);
const MODE = process.env.BENCH_REPORT_MODE === 'direct' ? 'direct' : 'workflow';
/** BENCH_REPORT_NODE_DEFAULTS=1: the worker without the product's memory settings, to compare. */
const NODE_DEFAULTS = process.env.BENCH_REPORT_NODE_DEFAULTS === '1';
const WORKER_NODE_FLAGS = NODE_DEFAULTS ? [] : PROCESS_NODE_FLAGS;
const WORKER_ENV = NODE_DEFAULTS ? {} : PROCESS_MEMORY_ENV;

interface FileSpec {
  name: string;
  kind: 'text' | 'json';
  gzip: boolean;
}

// 8 files of equal text size: plain, rotated and gzip, both formats.
const FILES: FileSpec[] = [
  { name: 'api.log', kind: 'text', gzip: false },
  { name: 'api.log.1', kind: 'text', gzip: false },
  { name: 'scorer.log', kind: 'text', gzip: false },
  { name: 'api.log.2.gz', kind: 'text', gzip: true },
  { name: 'guardian.log', kind: 'json', gzip: false },
  { name: 'bridge.log', kind: 'json', gzip: false },
  { name: 'guardian.log.2024-06-11', kind: 'json', gzip: false },
  { name: 'bridge.log.1.gz', kind: 'json', gzip: true },
];

// ---- generation (child process) ------------------------------------------------------------

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const COMPONENTS = ['api', 'scorer', 'feature_store', 'db', 'model_server', 'etl', 'bridge', 'guardian'];
const INFO = [
  'request served',
  'cache hit for features',
  'model loaded',
  'heartbeat ok',
  'batch accepted',
  'prediction returned',
];
const ERRORS = [
  'Connection refused to db-%:5432',
  'Request timed out after % s',
  'HTTP 404 Not Found: /v1/models/fraud-%',
  'HTTP 500 Internal Server Error from scorer-%',
  'Validation failed: field amount_% is invalid',
  'Payment declined for order %',
];
const OPS = [
  'api call /predict',
  'query features',
  'data processing batch %',
  'nightly cleanup',
  'insert detections',
];

function line(kind: 'text' | 'json', rnd: () => number, windowStartMs: number): string {
  // 2 % of lines fall just outside the window, the rest inside.
  const t = windowStartMs - 1800_000 + Math.floor(rnd() * (86_400_000 + 3600_000));
  const component = COMPONENTS[Math.floor(rnd() * COMPONENTS.length)];
  const n = Math.floor(rnd() * 100_000);
  const roll = rnd();
  if (roll < 0.0005) return kind === 'json' ? '{"level":30,"time":' : 'garbage without a timestamp';
  if (kind === 'json') {
    let level = 30;
    let msg = `${INFO[n % INFO.length]} for request ${n.toString(16)}-${(n * 7).toString(16)}`;
    const extra: Record<string, unknown> = {
      pid: 4242,
      hostname: 'worker-1',
      service: 'mlops-guardian',
      component,
      requestId: `req-${n}`,
    };
    if (roll < 0.03) {
      level = roll < 0.002 ? 60 : 50;
      msg = ERRORS[n % ERRORS.length].replace('%', String(n % 97));
    } else if (roll < 0.08) {
      level = 40;
      msg = `retrying after ${n % 9} attempts`;
    } else if (roll < 0.13) {
      extra.operation = OPS[n % OPS.length].replace('%', String(n % 50));
      extra.durationMs = Math.floor(rnd() * 12_000);
      msg = 'operation finished';
    }
    return JSON.stringify({ level, time: t, ...extra, msg });
  }
  const local = new Date(t + 2 * 3600_000).toISOString(); // CEST
  const stamp = `[${local.slice(0, 10)} ${local.slice(11, 19)},${local.slice(20, 23)}]`;
  if (roll < 0.03) {
    const level = roll < 0.002 ? 'CRITICAL' : 'ERROR';
    return `${stamp} ${level} ${component} | ${ERRORS[n % ERRORS.length].replace('%', String(n % 97))}`;
  }
  if (roll < 0.08) return `${stamp} WARNING ${component} | slow response from upstream after ${n % 900} ms`;
  if (roll < 0.13) {
    const op = OPS[n % OPS.length].replace('%', String(n % 50));
    return `${stamp} PERF ${component} | ${op} completed in ${(rnd() * 40).toFixed(3)}s`;
  }
  return `${stamp} INFO ${component} | ${INFO[n % INFO.length]} id=${n.toString(16)} user=u${n % 5000} took ${n % 300} ms`;
}

async function writeFile(dir: string, spec: FileSpec, bytes: number, seed: number): Promise<void> {
  const out = fs.createWriteStream(path.join(dir, spec.name));
  const gzip = spec.gzip ? createGzip({ level: 1 }) : undefined;
  if (gzip) gzip.pipe(out);
  const sink: NodeJS.WritableStream = gzip ?? out;
  const rnd = random(seed);
  const { startMs } = reportWindow(REPORT_DATE, TZ);
  let written = 0;
  while (written < bytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < 1 << 20) {
      const l = line(spec.kind, rnd, startMs);
      lines.push(l);
      size += l.length + 1;
    }
    const block = lines.join('\n') + '\n';
    written += Buffer.byteLength(block);
    if (!sink.write(block)) await new Promise((r) => sink.once('drain', r));
  }
  sink.end();
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
}

async function generate(dir: string): Promise<void> {
  const perFile = Math.floor((TOTAL_MIB * MIB) / FILES.length);
  await Promise.all(FILES.map((spec, i) => writeFile(dir, spec, perFile, 1000 + i)));
}

// ---- measurement (this process) ------------------------------------------------------------

/** Resets VmHWM of a process to its current RSS (Linux), so its peak covers only what follows. */
function resetPeakRss(pid: number = process.pid): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function currentRssMiB(pid: number): number | undefined {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : undefined;
}

/**
 * CPU seconds (user + system) a process has used so far (Linux). On a machine shared with other
 * work the wall-clock figure depends on the load; the CPU the worker spent does much less.
 */
function cpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return undefined;
  }
}

function textBytes(dir: string): number {
  // The generator writes whole 1 MiB blocks until each file reaches its share; count exactly.
  let total = 0;
  for (const spec of FILES) {
    const file = path.join(dir, spec.name);
    total += spec.gzip
      ? Number(
          execFileSync('sh', ['-c', `gzip -dc '${file}' | wc -c`])
            .toString()
            .trim(),
        )
      : fs.statSync(file).size;
  }
  return total;
}

async function runDirect(
  env: NodeJS.ProcessEnv,
): Promise<{ seconds: number; inWindow: number; errors: number }> {
  const config = loadConfig(env);
  const deps = { config, logger: createLogger({ level: 'warn', pretty: false }) };
  const w = reportWindow(REPORT_DATE, TZ);
  const started = process.hrtime.bigint();
  const plan = await createPlanDailyReport(deps)({
    reportDate: REPORT_DATE,
    timeZone: TZ,
    windowStartMs: w.startMs,
    windowEndMs: w.endMs,
  });
  const analyse = createAnalyseLogChunk(deps);
  const parts: LogAggregate[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: plan.parallelism }, async () => {
      while (next < plan.chunks.length) {
        const chunk = plan.chunks[next++];
        parts[chunk.index] = (await new MockActivityEnvironment().run(analyse, {
          chunk,
          windowStartMs: w.startMs,
          windowEndMs: w.endMs,
          textTimeZone: plan.textTimeZone,
        })) as LogAggregate;
      }
    }),
  );
  const merged = mergeAllAggregates(w.startMs, w.endMs, parts);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, inWindow: merged.inWindow, errors: merged.errors };
}

/** The worker process: compiled modules from `dist`, started with everything it needs in its env. */
const WORKER_SCRIPT = `
const { NativeConnection, Worker } = require('@temporalio/worker');
const dist = process.env.BENCH_DIST;
const { loadConfig } = require(dist + '/config');
const { createLogger } = require(dist + '/logger');
const { createKafkaClient } = require(dist + '/clients/kafka');
const { createKafkaEventPublisher } = require(dist + '/clients/event-publisher');
const { createPgPool } = require(dist + '/clients/postgres');
const { createReportActivities } = require(dist + '/activities/report');
// Gone with the benchmark, however it ends: nothing else would stop this worker.
require(dist + '/workers/exit-path').endWithParent();
if (process.env.BENCH_REPORT_PROBE) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mib = (n) => Math.round(n / 1048576);
    console.error('worker memory MiB', JSON.stringify({ rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) }));
  }, 1000).unref();
}
(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', pretty: false });
  const producer = await (await createKafkaClient(config.kafka, config.kafka.brokers, logger)).createProducer();
  const pool = createPgPool({ connectionString: config.runtime.databaseUrl });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { codePath: process.env.BENCH_BUNDLE },
    activities: createReportActivities({ config, logger, pool, publisher: createKafkaEventPublisher(producer) }),
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('ready\\n');
  await running;
  await Promise.all([producer.disconnect(), pool.end(), connection.close()]);
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** Compiles src/ into `outDir` (type errors elsewhere do not stop the emit). */
function compile(outDir: string): void {
  spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
    {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
    },
  );
  if (!fs.existsSync(path.join(outDir, 'activities', 'report', 'index.js')))
    throw new Error('compiling src/ failed');
}

async function startWorkerProcess(scratch: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const script = path.join(scratch, 'report-worker.js');
  fs.writeFileSync(script, WORKER_SCRIPT);
  // Started as the image starts every product process (Dockerfile CMD, npm start), unless the
  // comparison with Node's defaults is asked for.
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, script], {
    env: { ...WORKER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const forget = onExit('report worker process', async () => void child.kill('SIGKILL'));
  child.once('exit', forget);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before it was ready`)));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
  });
  return child;
}

async function runWorkflow(
  env: NodeJS.ProcessEnv,
  scratch: string,
): Promise<{
  seconds: number;
  result: DailyReportResult;
  chunks: number;
  peakRss?: number;
  rssBefore?: number;
  workerCpuSeconds?: number;
  loadAverage: { before: number; after: number };
}> {
  // Build-time steps, in child processes, before anything is measured.
  const dist = path.join(scratch, 'dist');
  const bundle = path.join(scratch, 'workflow-bundle.js');
  compile(dist);
  execFileSync(
    process.execPath,
    [require.resolve('ts-node/dist/bin.js'), '--transpile-only', __filename, '--bundle', bundle],
    { stdio: 'ignore' },
  );

  const { ctx, config } = await openBenchContext('report', env);
  let worker: ChildProcess | undefined;
  try {
    await ctx.kafka.ensureTopics([
      { topic: config.kafka.topicReports, partitions: 1 },
      { topic: config.kafka.topicAlerts, partitions: 1 },
    ]);
    worker = await startWorkerProcess(scratch, {
      ...env,
      TEMPORAL_ADDRESS: ctx.endpoints.temporalAddress,
      KAFKA_BROKERS: ctx.endpoints.kafkaBrokers.join(','),
      DATABASE_URL: ctx.endpoints.databaseUrl,
      BENCH_DIST: dist,
      BENCH_BUNDLE: bundle,
    });
    await new Promise((r) => setTimeout(r, 2000)); // let it settle: pollers up, connections open
    const pid = worker.pid!;
    const rssBefore = currentRssMiB(pid);
    resetPeakRss(pid);
    const cpuBefore = cpuSeconds(pid);
    const loadBefore = os.loadavg()[0];
    const started = process.hrtime.bigint();
    const handle = await ctx.temporal.client.workflow.start(DAILY_REPORT_WORKFLOW_TYPE, {
      taskQueue: config.temporal.taskQueue,
      workflowId: `${dailyReportWorkflowId(REPORT_DATE)}:bench-${Date.now()}`,
      args: [{ timeZone: TZ, reportDate: REPORT_DATE }],
    });
    const result = (await handle.result()) as DailyReportResult;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRss = peakRssMiB(pid);
    const cpuAfter = cpuSeconds(pid);
    const loadAverage = { before: loadBefore, after: os.loadavg()[0] };
    const workerCpuSeconds =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : Math.round((cpuAfter - cpuBefore) * 100) / 100;
    let chunks = 0;
    for (const event of (await handle.fetchHistory()).events ?? []) {
      if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'analyseLogChunk') chunks++;
    }
    return { seconds, result, chunks, peakRss, rssBefore, workerCpuSeconds, loadAverage };
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await ctx.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--generate') return generate(process.argv[3]);
  if (process.argv[2] === '--bundle') {
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../src/workflows/daily-report'),
      logger: undefined,
    });
    fs.writeFileSync(process.argv[3], code);
    return;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bench-'));
  const kept = process.env.BENCH_REPORT_CORPUS;
  const logDir = kept ? path.resolve(kept) : path.join(tmp, 'logs');
  const outDir = path.join(tmp, 'reports');
  const self = [require.resolve('ts-node/dist/bin.js'), '--transpile-only', __filename];
  try {
    // A kept log set says which size it was generated for once it is complete.
    const complete = path.join(logDir, `.generated-${TOTAL_MIB}-mib`);
    if (!kept || !fs.existsSync(complete)) {
      fs.rmSync(logDir, { recursive: true, force: true });
      fs.mkdirSync(logDir, { recursive: true });
      console.log(`generating ${TOTAL_MIB} MiB of logs in ${logDir} …`);
      const genStart = Date.now();
      execFileSync(process.execPath, [...self, '--generate', logDir], { stdio: 'inherit' });
      if (kept) fs.writeFileSync(complete, '');
      console.log(`generated in ${((Date.now() - genStart) / 1000).toFixed(1)} s`);
    } else {
      console.log(`reading the kept log set in ${logDir}`);
    }
    const bytes = textBytes(logDir);
    const onDisk = FILES.reduce((n, f) => n + fs.statSync(path.join(logDir, f.name)).size, 0);
    console.log(`${(bytes / MIB).toFixed(0)} MiB of text (${(onDisk / MIB).toFixed(0)} MiB on disk)`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TIME_ZONE: TZ,
      REPORT_LOG_DIRS: logDir,
      REPORT_OUTPUT_DIR: outDir,
      REPORT_SCHEDULE_ENABLED: 'false',
      TEMPORAL_TASK_QUEUE: `report-bench-${Date.now()}`,
    };
    const config = loadConfig(env);
    let seconds: number;
    let peak: number | undefined;
    let details: Record<string, unknown>;
    if (MODE === 'direct') {
      global.gc?.();
      resetPeakRss();
      const r = await runDirect(env);
      seconds = r.seconds;
      details = { linesInWindow: r.inWindow, errors: r.errors };
      peak = peakRssMiB();
    } else {
      const scratch = path.join(PROJECT_ROOT, '.services', 'bench-data', `report-${process.pid}`);
      fs.mkdirSync(scratch, { recursive: true });
      try {
        const r = await runWorkflow(env, scratch);
        seconds = r.seconds;
        peak = r.peakRss;
        details = {
          workerRssBeforeMiB: r.rssBefore,
          workerCpuSeconds: r.workerCpuSeconds,
          ...(r.workerCpuSeconds
            ? { mibPerWorkerCpuSecond: Math.round((bytes / MIB / r.workerCpuSeconds) * 10) / 10 }
            : {}),
          loadAverage1m: r.loadAverage,
          result: r.result,
          analysisActivities: r.chunks,
        };
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }
    const throughput = bytes / MIB / seconds;
    writeBenchResult(
      'report',
      {
        logTextMiB: Math.round((bytes / MIB) * 10) / 10,
        onDiskMiB: Math.round((onDisk / MIB) * 10) / 10,
        seconds: Math.round(seconds * 100) / 100,
        throughputMiBps: Math.round(throughput * 10) / 10,
        peakRssMiB: peak,
        bars: { throughputMiBps: '>= 150', peakRssMiB: '< 250' },
        passes: throughput >= 150 && (peak ?? Infinity) < 250,
        ...details,
      },
      {
        mode:
          MODE === 'direct'
            ? 'activity functions called directly in the bench process (ts-node)'
            : 'report workflow on a local Temporal dev server; a worker process (compiled JS, prebuilt bundle) with the real activities',
        files: FILES.map((f) => f.name),
        mix: 'text and pino JSON; ~3 % errors, ~5 % warnings, ~5 % operations, 0.05 % malformed, ~2 % outside the window',
        reportDate: REPORT_DATE,
        timeZone: TZ,
        chunkMiB: config.report.chunkMb,
        parallelChunks: config.report.parallelChunks,
        analysisThreads: config.report.analysisThreads,
        maxLineKiB: config.report.maxLineKb,
        ...(MODE === 'workflow'
          ? {
              workerNodeFlags: [
                ...WORKER_NODE_FLAGS,
                ...(process.env.NODE_OPTIONS ?? '').split(' ').filter(Boolean),
              ],
              workerMallocEnv: Object.fromEntries(
                ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_ARENA_MAX'].map((name) => [
                  name,
                  process.env[name] ?? (WORKER_ENV as Record<string, string>)[name] ?? '(glibc default)',
                ]),
              ),
            }
          : {}),
        peakRssScope:
          MODE === 'direct'
            ? 'VmHWM of the bench process, reset just before the analysis'
            : 'VmHWM of the worker process, reset once it was ready',
      },
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Ctrl-C, SIGTERM, SIGHUP or a failure: the local stack is stopped all the same.
runToCompletion(createLogger({ level: 'warn', pretty: false }), main);
