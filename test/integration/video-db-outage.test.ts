import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { Client } from 'pg';
import { processVideoMetrics } from '../../src/activities/video/metrics';
import { findFreePort } from '../../src/local-services/ports';
import { PostgresServer, startPostgresServer } from '../../src/local-services/postgres-server';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import type { VideoAnalysisResult } from '../../src/workflows/video-analysis';
import { fakePersonsOn } from '../helpers/fake-detector-server';
import { uniqueName } from '../helpers/stack';
import { makeTestVideo } from '../helpers/test-video';
import {
  eventually,
  expectedPersons,
  openVideoHarness,
  recordAlerts,
  VideoHarness,
} from '../helpers/video-harness';

/**
 * PostgreSQL going away in the middle of saving detections. The test runs a PostgreSQL of its
 * own (free port, own data directory) so stopping it disturbs nobody else.
 */
jest.setTimeout(300_000);

const FRAME_RATE = 5;
const VIDEO_SECONDS = 4;
const CHUNK_ROWS = 5;

describe('video analysis while PostgreSQL is down', () => {
  let pg: PostgresServer;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    dataDir = path.join(PROJECT_ROOT, '.services', 'test-data', uniqueName('video-pg'));
    port = await findFreePort();
    pg = await startPostgresServer({ dataDir, port });
  });
  afterAll(async () => {
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function harness(retryDelaySeconds: number): Promise<{ h: VideoHarness; objectKey: string }> {
    const h = await openVideoHarness({
      databaseUrl: pg.databaseUrl,
      env: {
        VIDEO_FRAME_RATE: String(FRAME_RATE),
        VIDEO_SAVE_CHUNK_ROWS: String(CHUNK_ROWS),
        VIDEO_DB_RETRY_ATTEMPTS: '3',
        VIDEO_DB_RETRY_INITIAL_DELAY_SECONDS: String(retryDelaySeconds),
        VIDEO_DB_RETRY_BACKOFF: '2',
        VIDEO_DB_CONNECT_TIMEOUT_SECONDS: '3',
      },
    });
    const video = await makeTestVideo(path.join(h.sourceDir, 'outage.mp4'), {
      seconds: VIDEO_SECONDS,
      rate: 10,
    });
    return { h, objectKey: path.relative(h.sourceDir, video) };
  }

  /**
   * Makes the second save transaction wait: an uncommitted row with the same (video, frame,
   * detection) as its first detection. The first chunk commits; the second is then in flight
   * when PostgreSQL stops (which also rolls the blocker back).
   */
  async function blockSecondChunk(videoKey: string): Promise<Client> {
    const order: Array<[number, number]> = [];
    for (let f = 1; f <= FRAME_RATE * VIDEO_SECONDS; f++)
      for (let i = 0; i < fakePersonsOn(f); i++) order.push([f, i]);
    const [frame, index] = order[CHUNK_ROWS];
    const blocker = new Client({ connectionString: pg.databaseUrl });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO video_detections (video_key, run_id, frame_number, detection_index, frame_time_sec, label, confidence, box_x, box_y, box_width, box_height)
       VALUES ($1, 'blocker', $2, $3, 0, 'person', 0.5, 0, 0, 1, 1)`,
      [videoKey, frame, index],
    );
    return blocker;
  }

  async function savedRows(h: VideoHarness, videoKey: string): Promise<number> {
    return (await h.rows(videoKey)).total;
  }

  async function saveRetrying(handle: WorkflowHandle): Promise<string> {
    let lastFailure = '';
    await eventually('the save being retried', async () => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const save = pending.find((p) => p.activityType?.name === 'saveDetections' && (p.attempt ?? 0) >= 2);
      lastFailure = save?.lastFailure?.message ?? '';
      return lastFailure !== '';
    });
    return lastFailure;
  }

  it('saves everything, once, when PostgreSQL comes back within the retry window', async () => {
    const { h, objectKey } = await harness(4);
    const videoKey = uniqueName('db-back');
    const blocker = await blockSecondChunk(videoKey);
    const worker = await h.startWorker();
    try {
      const handle = await h.startJob({ videoKey, objectKey });
      await eventually('the first chunk saved', async () => (await savedRows(h, videoKey)) === CHUNK_ROWS);
      await pg.stop({ keepData: true });
      const lastFailure = await saveRetrying(handle);
      expect(lastFailure).toMatch(/^PostgreSQL saving detections: /);
      pg = await startPostgresServer({ dataDir, port });

      const result = (await handle.result()) as VideoAnalysisResult;
      const persons = expectedPersons(h.detector, result.frames);
      expect(result).toMatchObject({ status: 'completed', detections: persons });
      // The first chunk was saved before the outage and not again; the rest after it.
      expect(result.rowsInserted + result.rowsAlreadySaved).toBe(persons);
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });
      const blockerRows = await h.pool.query(
        "SELECT count(*)::int AS n FROM video_detections WHERE run_id = 'blocker'",
      );
      expect(blockerRows.rows[0].n).toBe(0);
    } finally {
      await blocker.end().catch(() => undefined);
      await worker.stop();
      await h.close();
    }
  });

  it('fails with the database error when PostgreSQL stays down; a re-run later saves everything without duplicates', async () => {
    const { h, objectKey } = await harness(1);
    const videoKey = uniqueName('db-down');
    const blocker = await blockSecondChunk(videoKey);
    const worker = await h.startWorker();
    const runIds: string[] = [];
    const alerts = await recordAlerts(h, videoKey, `fleet-alarm:db-connection-failures:${h.taskQueue}`);
    try {
      const failedRun = await h.startJob({ videoKey, objectKey });
      await eventually('the first chunk saved', async () => (await savedRows(h, videoKey)) === CHUNK_ROWS);
      await pg.stop({ keepData: true });

      let failure: ApplicationFailure | undefined;
      try {
        await failedRun.result();
      } catch (err) {
        expect(err).toBeInstanceOf(WorkflowFailedError);
        failure = (err as WorkflowFailedError).cause as ApplicationFailure;
      }
      expect(failure?.type).toBe('VideoSaveFailed');
      expect(failure?.message).toMatch(/failed at step 4\/5 save detections/);
      expect(failure?.message).toMatch(/after 3 attempt\(s\) \(5 of \d+ saved\)/);
      // The last database error, as PostgreSQL's client reported it.
      expect(failure?.message).toMatch(/Last database error: PostgreSQL saving detections: .*ECONNREFUSED/);
      expect(h.leftoverWorkDirs()).toEqual([]);
      // More than 3 connection failures within 5 minutes: the alarm metric holds.
      expect(processVideoMetrics.dbConnectionFailuresWithin(5 * 60_000)).toBeGreaterThan(3);
      const alarm = await alerts.waitFor((a) => a.kind === 'db_connection_failures');
      expect(alarm).toMatchObject({ priority: 'critical' });
      // Counted by the fleet's workflow (in Temporal, as PostgreSQL is down), not by this process.
      expect(String(alarm.message)).toMatch(
        /More than 3 PostgreSQL connection failures within 5 min, counted over the whole fleet/,
      );
      expect((await alerts.waitFor((a) => a.kind === 'job_failed')).message).toMatch(/ECONNREFUSED/);

      pg = await startPostgresServer({ dataDir, port });
      expect(await savedRows(h, videoKey)).toBe(CHUNK_ROWS);
      const rerun = await h.startJob({ videoKey, objectKey, reanalyze: true });
      const result = (await rerun.result()) as VideoAnalysisResult;
      const persons = expectedPersons(h.detector, result.frames);
      expect(result).toMatchObject({ status: 'completed', detections: persons });
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });
      runIds.push(
        ...(
          await h.pool.query('SELECT DISTINCT run_id FROM video_detections WHERE video_key = $1', [videoKey])
        ).rows.map((r) => r.run_id as string),
      );
      // Every row now belongs to the re-run: the failed run's partial rows were superseded, not doubled.
      expect(runIds).toEqual([rerun.firstExecutionRunId]);
    } finally {
      await alerts.stop();
      await blocker.end().catch(() => undefined);
      await worker.stop();
      await h.close();
    }
  });
});
