import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { createPgPool } from '../../src/clients/postgres';
import { videoWorkflowId } from '../../src/contracts/workflows';
import { findFreePort } from '../../src/local-services/ports';
import { startPostgresServer, type PostgresServer } from '../../src/local-services/postgres-server';
import type { VideoAnalysisResult } from '../../src/workflows/video-analysis';
import {
  createBridgeTestEnv,
  modelEventStream,
  startInProcessBridge,
  videoEvent,
  waitFor,
  type BridgeTestEnv,
} from '../../test/helpers/bridge-harness';
import { fakePersonsOn, startFakeDetectorServer } from '../../test/helpers/fake-detector-server';
import { uniqueName } from '../../test/helpers/stack';
import { makeTestVideo } from '../../test/helpers/test-video';
import { forkBenchChild, stopChildren, type BenchChild } from '../lib/child-process';
import { sleep } from './stream-drill';
import type { DrillRun, VideoJobTally } from './tally';
import { throwawayDataDir } from './throwaway-dir';

const MODELS = 9;
/**
 * One round a second: each event costs its guardian a signal, an audit write and a drift alert,
 * and at twice this rate two CPU hogs left the worker's workflow tasks timing out.
 */
const PRODUCE_EVERY_MS = 1_000;
/** PostgreSQL is down this long: longer than the audit's first retries, inside its one-hour budget. */
const DOWN_MS = 30_000;
const FRAME_RATE = 5;
const VIDEO_SECONDS = 4;
const FRAMES = FRAME_RATE * VIDEO_SECONDS;
const CHUNK_ROWS = 5;
/** One video is mid-save when PostgreSQL stops; these are uploaded while it is down. */
const VIDEOS_DURING_OUTAGE = 2;
/**
 * Save attempts: the default 3 (5 s, then 10 s apart) give up 15 s into an outage, by design, with
 * the job failed and an alarm. A 30 s outage needs 5 (5+10+20+40 s = 75 s of retrying).
 */
const VIDEO_DB_RETRY_ATTEMPTS = 5;
/** Events keep flowing this long after PostgreSQL's return. */
const FLOW_AFTER_RETURN_MS = 5_000;
/** From PostgreSQL's return until every decision and every video is written. */
const RECOVER_WITHIN_MS = 180_000;

const personsInVideo = () =>
  Array.from({ length: FRAMES }, (_, i) => fakePersonsOn(i + 1)).reduce((a, b) => a + b);

/** The production worker (guardian and video roles, real activities) as a process of its own. */
async function startWorkerProcess(t: BridgeTestEnv): Promise<BenchChild> {
  const child = forkBenchChild(path.join(__dirname, '..', 'decision', 'worker-child.ts'), {
    ...process.env,
    ...t.env,
    LOG_LEVEL: 'warn',
  });
  await child.next('ready');
  return child;
}

/**
 * Holds the second save transaction of a video: an uncommitted row with the key of its first
 * detection after the first chunk. The first chunk commits; the second is in flight when
 * PostgreSQL stops (which also rolls the blocker back).
 */
async function holdSecondChunk(pool: Pool, videoKey: string) {
  const order: Array<[number, number]> = [];
  for (let f = 1; f <= FRAMES; f++) for (let i = 0; i < fakePersonsOn(f); i++) order.push([f, i]);
  const [frame, index] = order[CHUNK_ROWS];
  const blocker = await pool.connect();
  blocker.on('error', () => undefined);
  await blocker.query('BEGIN');
  await blocker.query(
    `INSERT INTO video_detections (video_key, run_id, frame_number, detection_index, frame_time_sec, label, confidence, box_x, box_y, box_width, box_height)
     VALUES ($1, 'drill-blocker', $2, $3, 0, 'person', 0.5, 0, 0, 1, 1)`,
    [videoKey, frame, index],
  );
  return blocker;
}

/** Drift alerts on the drill's alerts topic, counted by alert id (one per drift event, once). */
async function countAlerts(t: BridgeTestEnv) {
  const byId = new Map<string, number>();
  const consumer = t.kafka.consumer({ groupId: uniqueName('pg-drill-alerts'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: t.topics.alerts, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = String((JSON.parse(message.value?.toString() ?? '{}') as { alert_id?: string }).alert_id);
      byId.set(id, (byId.get(id) ?? 0) + 1);
    },
  });
  return { byId, stop: () => consumer.disconnect() };
}

interface Written {
  decisionRows: number;
  decided: Map<string, number>;
  videos: Map<string, { total: number; distinct: number; status?: string }>;
}

async function written(pool: Pool, models: string[], videoKeys: string[]): Promise<Written> {
  const decisions = await pool.query<{ event_id: string; n: string }>(
    'SELECT event_id, count(*) AS n FROM guardian_decisions WHERE model_name = ANY($1) GROUP BY event_id',
    [models],
  );
  const rows = await pool.query<{ video_key: string; total: string; distinct_rows: string }>(
    `SELECT video_key, count(*) AS total, count(DISTINCT (frame_number, detection_index)) AS distinct_rows
       FROM video_detections WHERE video_key = ANY($1) AND run_id <> 'drill-blocker' GROUP BY video_key`,
    [videoKeys],
  );
  const jobs = await pool.query<{ video_key: string; status: string }>(
    'SELECT video_key, status FROM video_analysis_jobs WHERE video_key = ANY($1)',
    [videoKeys],
  );
  const videos = new Map(
    videoKeys.map((k) => {
      const r = rows.rows.find((x) => x.video_key === k);
      return [
        k,
        {
          total: Number(r?.total ?? 0),
          distinct: Number(r?.distinct_rows ?? 0),
          status: jobs.rows.find((j) => j.video_key === k)?.status,
        },
      ];
    }),
  );
  const decided = new Map(decisions.rows.map((r) => [r.event_id, Number(r.n)]));
  return { decisionRows: decisions.rows.reduce((n, r) => n + Number(r.n), 0), decided, videos };
}

/**
 * Drill (f): the real worker (guardians and video analysis) and the real bridge on a PostgreSQL of
 * the drill's own. Nine models' events flow the whole time; a video is mid-save when PostgreSQL is
 * stopped for 30 s, two more videos are uploaded while it is down, then it is started again on the
 * same data directory and port. Every event must end with one audit row and one drift alert (sent
 * through the action ledger in PostgreSQL), and every video with its detections saved exactly once. Recovery: from PostgreSQL's return until all of it is written;
 * the first write after its return is reported too.
 */
export async function postgresDownDrill(): Promise<DrillRun> {
  process.env.FFMPEG_PATH ??= 'ffmpeg';
  const { dir: dataDir, remove: removeDataDir } = throwawayDataDir('drill-pg');
  const port = await findFreePort();
  let pg: PostgresServer | undefined = await startPostgresServer({ dataDir, port });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-drill-'));
  const sourceDir = path.join(root, 'videos');
  const clip = await makeTestVideo(path.join(root, 'clip.mp4'), { seconds: VIDEO_SECONDS, rate: 10 });
  const detector = await startFakeDetectorServer();
  const t = await createBridgeTestEnv({
    env: {
      DATABASE_URL: pg.databaseUrl,
      // Every hour is a business hour, so the outcome does not depend on when the drill runs.
      BUSINESS_HOURS_START: '0',
      BUSINESS_HOURS_END: '23',
      REPORT_SCHEDULE_ENABLED: 'false',
      WORKER_HTTP_ENABLED: 'false',
      BRIDGE_HTTP_ENABLED: 'false',
      DETECTOR_URL: detector.url,
      VIDEO_SOURCE_DIR: sourceDir,
      VIDEO_WORK_DIR: path.join(root, 'work'),
      VIDEO_FRAME_RATE: String(FRAME_RATE),
      VIDEO_SAVE_CHUNK_ROWS: String(CHUNK_ROWS),
      VIDEO_DB_RETRY_ATTEMPTS: String(VIDEO_DB_RETRY_ATTEMPTS),
      VIDEO_DETECTOR_TASK_QUEUE: `${uniqueName('pg-drill')}-detector`,
    },
  });
  const pool = createPgPool({ connectionString: pg.databaseUrl, connectTimeoutMs: 3_000 }, () => undefined);
  const workers: BenchChild[] = [];
  let workerCrashes = 0;
  let stopping = false;
  let bridge: Awaited<ReturnType<typeof startInProcessBridge>> | undefined;
  const models = Array.from({ length: MODELS }, (_, i) => uniqueName(`pg-drill-model-${i}`));
  const stream = modelEventStream(t, models);
  const videoKeys: string[] = [];
  let producing = true;
  const flow = (async () => {
    while (producing) {
      // Low drift: MONITOR, then silence by cooldown; every event still gets its audit row.
      await stream.round({ severity: 'LOW', drift_score: 0.1, affected_features: [] });
      await sleep(PRODUCE_EVERY_MS);
    }
  })();
  /** An upload: the file where the worker reads it, the event on the video topic. */
  const upload = async (videoKey = uniqueName('pg-drill-video')) => {
    const event = videoEvent(videoKey);
    fs.mkdirSync(path.join(sourceDir, event.bucket, 'videos'), { recursive: true });
    fs.copyFileSync(clip, path.join(sourceDir, event.bucket, event.object_key));
    await t.producer.send({
      topic: t.topics.video,
      messages: [{ key: videoKey, value: JSON.stringify(event) }],
    });
    videoKeys.push(videoKey);
    return videoKey;
  };
  const alerts = await countAlerts(t);
  try {
    // As a supervisor would: a worker process that dies is started again, and counted.
    const supervise = (w: BenchChild) =>
      w.process.once('exit', () => {
        if (stopping) return;
        workerCrashes++;
        startWorkerProcess(t).then(
          (next) => {
            workers.push(next);
            supervise(next);
          },
          () => undefined, // The run then misses its bound, which says enough.
        );
      });
    workers.push(await startWorkerProcess(t));
    supervise(workers[0]);
    bridge = await startInProcessBridge(t);
    const first = uniqueName('pg-drill-video');
    const blocker = await holdSecondChunk(pool, first);
    await upload(first);
    await waitFor(
      'the first chunk of the video saved',
      async () => (await written(pool, models, [first])).videos.get(first)!.total,
      (n) => n >= CHUNK_ROWS,
      120_000,
    );
    await sleep(1_000);
    await pg.stop({ keepData: true });
    pg = undefined;
    blocker.release(true);
    const stoppedAt = Date.now();
    for (let i = 0; i < VIDEOS_DURING_OUTAGE; i++) await upload();
    await sleep(DOWN_MS - (Date.now() - stoppedAt));
    pg = await startPostgresServer({ dataDir, port });
    const backAt = Date.now();

    // The first write after the return: any new audit row or detection.
    const before = await waitFor(
      'PostgreSQL to answer',
      () => written(pool, models, videoKeys),
      () => true,
      60_000,
    );
    const rowsOf = (w: Written) => w.decisionRows + [...w.videos.values()].reduce((n, v) => n + v.total, 0);
    const firstWriteAt = await waitFor(
      'a first write after the return',
      () => written(pool, models, videoKeys),
      (w) => rowsOf(w) > rowsOf(before),
      RECOVER_WITHIN_MS,
    ).then(
      () => Date.now(),
      () => undefined,
    );
    const allWritten = (w: Written, events: string[]) =>
      events.every((id) => w.decided.has(id)) &&
      [...w.videos.values()].every((v) => v.status === 'completed' && v.distinct === personsInVideo());
    // Events keep coming a little after the return, so the recovered path carries new traffic
    // too; then production stops and the run waits for the backlog to be written.
    await sleep(FLOW_AFTER_RETURN_MS);
    producing = false;
    await flow;
    const events = stream.expected().flat();
    const backlogAt = await waitFor(
      'every decision and every video written',
      () => written(pool, models, videoKeys),
      (w) => allWritten(w, events),
      RECOVER_WITHIN_MS,
    ).then(
      () => Date.now(),
      () => undefined,
    );
    const driftAlert = (id: string) => `${id}:drift`;
    await waitFor(
      'a drift alert for every event',
      async () => events.filter((id) => !alerts.byId.has(driftAlert(id))).length,
      (missing) => missing === 0,
      RECOVER_WITHIN_MS,
    ).catch(() => undefined);
    const alertsMissing = events.filter((id) => !alerts.byId.has(driftAlert(id))).length;
    const alertsTwice = events.reduce(
      (n, id) => n + Math.max(0, (alerts.byId.get(driftAlert(id)) ?? 0) - 1),
      0,
    );

    const final = await written(pool, models, videoKeys);
    // A job records its outcome row before it returns: give each a bounded while to end, and ask
    // only those that completed for their result (a job still running has not finished saving).
    const results = await Promise.all(
      videoKeys.map(async (k) => {
        const handle = t.temporal.client.workflow.getHandle(videoWorkflowId(k));
        const status = await waitFor(
          'the video job to end',
          async () => (await handle.describe()).status.name,
          (name) => name !== 'RUNNING',
          60_000,
        ).catch(() => 'RUNNING');
        if (status !== 'COMPLETED') return undefined;
        return (await handle.result()) as VideoAnalysisResult;
      }),
    );
    const persons = personsInVideo();
    const savedOnce = videoKeys.filter((k, i) => {
      const v = final.videos.get(k)!;
      return results[i]?.status === 'completed' && v.total === persons && v.distinct === persons;
    }).length;
    let extraRuns = 0;
    for (const k of videoKeys)
      for await (const _ of t.temporal.client.workflow.list({
        query: `WorkflowId = '${videoWorkflowId(k)}'`,
      }))
        extraRuns++;
    extraRuns -= videoKeys.length;
    const videoJobs: VideoJobTally = {
      jobs: videoKeys.length,
      completed: results.filter((r) => r?.status === 'completed').length,
      savedExactlyOnce: savedOnce,
      framesAnalysed: results.reduce((n, r) => n + (r?.frames ?? 0), 0),
    };
    const seconds = (from: number, to: number | undefined) =>
      to === undefined ? undefined : Math.round((to - from) / 100) / 10;
    return {
      produced: events.length,
      delivered: events.filter((id) => final.decided.has(id)).length,
      decisions: final.decisionRows,
      lost:
        events.filter((id) => !final.decided.has(id)).length + (videoKeys.length - savedOnce) + alertsMissing,
      duplicated:
        alertsTwice +
        [...final.decided.values()].reduce((n, c) => n + c - 1, 0) +
        [...final.videos.values()].reduce((n, v) => n + Math.max(0, v.total - persons), 0) +
        extraRuns,
      redeliveriesDropped: 0,
      outOfOrderModels: 0,
      videoJobs,
      driftAlerts: { expected: events.length, missing: alertsMissing, sentTwice: alertsTwice },
      ...(workerCrashes > 0 ? { workerCrashes } : {}),
      firstWriteSeconds: seconds(backAt, firstWriteAt),
      recoverSeconds: seconds(backAt, backlogAt),
    };
  } finally {
    stopping = true;
    producing = false;
    await flow.catch(() => undefined);
    await alerts.stop().catch(() => undefined);
    await bridge?.stop().catch(() => false);
    await stopChildren(workers.map((w) => w.process));
    await pool.end().catch(() => undefined);
    await t.close();
    await detector.close();
    await pg?.stop();
    fs.rmSync(root, { recursive: true, force: true });
    removeDataDir();
  }
}
