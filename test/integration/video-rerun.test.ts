import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { VideoAnalysisResult } from '../../src/workflows/video-analysis';
import { uniqueName } from '../helpers/stack';
import { makeCorruptVideo, makeTestVideo } from '../helpers/test-video';
import {
  eventually,
  expectedPersons,
  openVideoHarness,
  recordAlerts,
  VideoHarness,
} from '../helpers/video-harness';

/**
 * Automatic re-runs of failed video jobs (VIDEO_RERUN_ATTEMPTS) on the real stack: a failure
 * that may pass runs the same job again once, a bad video never does.
 */
jest.setTimeout(240_000);

const RERUN_DELAY_SECONDS = 5;

describe('re-running a failed video job', () => {
  let h: VideoHarness;
  let objectKey: string;

  beforeAll(async () => {
    h = await openVideoHarness({
      env: {
        VIDEO_FRAME_RATE: '5',
        VIDEO_RERUN_ATTEMPTS: '1',
        VIDEO_RERUN_DELAY_SECONDS: String(RERUN_DELAY_SECONDS),
      },
    });
    const video = await makeTestVideo(path.join(h.sourceDir, 'rerun.mp4'), {
      seconds: 4,
      size: '160x120',
      rate: 10,
    });
    objectKey = path.relative(h.sourceDir, video);
  });
  afterAll(async () => {
    await h?.close();
  });

  const runsOf = async (videoKey: string) =>
    (
      await h.pool.query<{ run_id: string; workflow_id: string; status: string }>(
        'SELECT run_id, workflow_id, status FROM video_analysis_jobs WHERE video_key = $1 ORDER BY started_at',
        [videoKey],
      )
    ).rows;

  async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
    try {
      await promise;
    } catch (err) {
      expect(err).toBeInstanceOf(WorkflowFailedError);
      return (err as WorkflowFailedError).cause as ApplicationFailure;
    }
    throw new Error('the job was expected to fail');
  }

  it('runs a job that ran out of GPU memory again as the same job, and the re-run completes', async () => {
    h.detector.behaviour.oomAboveBatchSize = 0;
    const worker = await h.startWorker();
    const videoKey = uniqueName('rerun-completes');
    const alerts = await recordAlerts(h, videoKey);
    try {
      const handle = await h.startJob({ videoKey, objectKey });
      await eventually(
        'the first run failed',
        async () => (await runsOf(videoKey))[0]?.status === 'failed',
        120_000,
      );
      // The GPU has room again before the re-run starts.
      h.detector.behaviour.oomAboveBatchSize = Infinity;
      const result = (await handle.result()) as VideoAnalysisResult;
      expect(result.status).toBe('completed');

      const runs = await runsOf(videoKey);
      expect(runs.map((r) => r.status)).toEqual(['failed', 'completed']);
      expect(new Set(runs.map((r) => r.workflow_id)).size).toBe(1);
      const persons = expectedPersons(h.detector, result.frames);
      expect(await h.rows(videoKey)).toMatchObject({ total: persons, distinct: persons });

      const warning = await alerts.waitFor((a) => a.kind === 'job_failed');
      expect(warning).toMatchObject({ priority: 'medium' });
      expect(String(warning.title)).toBe(
        `Video analysis of ${videoKey} failed; running again in ${RERUN_DELAY_SECONDS} s (re-run 1 of 1)`,
      );
      expect(alerts.received.filter((a) => a.kind === 'job_failed')).toHaveLength(1);
    } finally {
      h.detector.behaviour.oomAboveBatchSize = Infinity;
      await alerts.stop();
      await worker.stop();
    }
  });

  it('runs it once only: a re-run that fails again ends the job with both reasons and a high alert', async () => {
    h.detector.behaviour.oomAboveBatchSize = 0;
    const worker = await h.startWorker();
    const videoKey = uniqueName('rerun-fails');
    const alerts = await recordAlerts(h, videoKey);
    try {
      const handle = await h.startJob({ videoKey, objectKey });
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('GpuOutOfMemoryAtBatchSizeOne');
      expect((await runsOf(videoKey)).map((r) => r.status)).toEqual(['failed', 'failed']);
      const final = await alerts.waitFor((a) => a.kind === 'job_failed' && a.priority === 'high');
      expect(String(final.message)).toMatch(/\(re-run 1 of a job that first failed: .*batch of 1 frame/);
      expect(alerts.received.filter((a) => a.kind === 'job_failed').map((a) => a.priority)).toEqual([
        'medium',
        'high',
      ]);
    } finally {
      h.detector.behaviour.oomAboveBatchSize = Infinity;
      await alerts.stop();
      await worker.stop();
    }
  });

  it('never re-runs a video that cannot be read', async () => {
    const worker = await h.startWorker();
    const videoKey = uniqueName('rerun-corrupt');
    makeCorruptVideo(path.join(h.sourceDir, `${videoKey}.mp4`));
    try {
      const handle = await h.startJob({ videoKey, objectKey: `${videoKey}.mp4` });
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('VideoUnreadable');
      expect((await runsOf(videoKey)).map((r) => r.status)).toEqual(['failed']);
      expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
    } finally {
      await worker.stop();
    }
  });
});
