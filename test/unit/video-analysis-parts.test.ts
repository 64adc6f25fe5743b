import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { classifyDatabaseError } from '../../src/activities/video/database-errors';
import { VideoMetrics, videoMetricsText } from '../../src/activities/video/metrics';
import { resolveVideoPath } from '../../src/activities/video/video-source';
import { jobWorkDir } from '../../src/backends/video/work-dir';
import { videoStartPolicies } from '../../src/contracts/workflows';
import { formatDuration, ProgressTracker } from '../../src/workflows/video-analysis/progress';

describe('video job start policies', () => {
  it('rejects any second run of an upload unless it is a deliberate re-analysis', () => {
    expect(videoStartPolicies({})).toEqual({
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
    expect(videoStartPolicies({ reanalyze: false }).workflowIdReusePolicy).toBe('REJECT_DUPLICATE');
    expect(videoStartPolicies({ reanalyze: true })).toEqual({
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    });
  });
});

describe('video source paths', () => {
  const root = path.resolve('/srv/videos');

  it.each([
    [{ objectKey: 'cam1/2026/clip.mp4' }, 'cam1/2026/clip.mp4'],
    [{ objectKey: 'clip.mp4', bucket: 'uploads' }, 'uploads/clip.mp4'],
    [{ videoId: 'clip-42.mp4' }, 'clip-42.mp4'],
    [{ objectKey: '/leading/slash.mp4' }, 'leading/slash.mp4'],
  ])('%j is read from %s under the source directory', (ref, relative) => {
    expect(resolveVideoPath(root, ref)).toBe(path.join(root, relative));
  });

  it.each([
    [{ objectKey: '../etc/passwd' }],
    [{ objectKey: 'a/../../b.mp4' }],
    [{ objectKey: 'x.mp4', bucket: '..' }],
    [{}],
  ])('refuses %j (non-retryable)', (ref) => {
    let failure: unknown;
    try {
      resolveVideoPath(root, ref);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('InvalidVideoReference');
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
  });
});

describe('job work directories', () => {
  it('are per run, inside the work directory, whatever the video key looks like', () => {
    const a = jobWorkDir('/work', { videoKey: 'bucket/../../evil key', workflowId: 'w', runId: 'run-1' });
    const b = jobWorkDir('/work', { videoKey: 'bucket/../../evil key', workflowId: 'w', runId: 'run-2' });
    const c = jobWorkDir('/work', { videoKey: 'bucket/.._.._evil_key', workflowId: 'w', runId: 'run-1' });
    for (const dir of [a, b, c]) expect(dir.startsWith('/work/')).toBe(true);
    expect(a).not.toBe(b);
    expect(path.dirname(a)).toBe(path.dirname(b));
    // Keys that look alike once made safe still get different directories.
    expect(path.dirname(a)).not.toBe(path.dirname(c));
  });
});

describe('database error classification', () => {
  const classify = (err: unknown) => classifyDatabaseError(err, 'saving detections');

  it('retries connection trouble and counts it', () => {
    const refused = classify(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(refused.isConnectionFailure).toBe(true);
    expect(refused.failure.type).toBe('DatabaseUnavailable');
    expect(refused.failure.nonRetryable).toBe(false);
    expect(refused.failure.message).toBe('PostgreSQL saving detections: connect ECONNREFUSED 127.0.0.1:5432');

    const both = classify(
      Object.assign(new AggregateError([], ''), {
        errors: [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED ::1:5432' }],
      }),
    );
    expect(both.isConnectionFailure).toBe(true);
    expect(both.failure.message).toContain('ECONNREFUSED');

    expect(
      classify(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ).isConnectionFailure,
    ).toBe(true);
    expect(classify(new Error('Connection terminated unexpectedly')).isConnectionFailure).toBe(true);
    expect(classify(new Error('timeout expired')).isConnectionFailure).toBe(true);
  });

  it('does not retry a statement PostgreSQL refuses', () => {
    const missing = classify(
      Object.assign(new Error('relation "video_detections" does not exist'), { code: '42P01' }),
    );
    expect(missing.isConnectionFailure).toBe(false);
    expect(missing.failure.type).toBe('DatabaseError');
    expect(missing.failure.nonRetryable).toBe(true);
    expect(missing.failure.message).toContain('[SQLSTATE 42P01]');
  });

  it('retries a deadlock without calling it a connection failure', () => {
    const deadlock = classify(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    expect(deadlock.failure.nonRetryable).toBe(false);
    expect(deadlock.isConnectionFailure).toBe(false);
  });
});

describe('video alarm metrics', () => {
  const FIVE_MIN = 5 * 60_000;

  it('counts PostgreSQL connection failures over a sliding window', () => {
    const m = new VideoMetrics();
    const t0 = 1_000_000_000;
    expect(m.recordDbConnectionFailure(FIVE_MIN, t0)).toBe(1);
    m.recordDbConnectionFailure(FIVE_MIN, t0 + 60_000);
    m.recordDbConnectionFailure(FIVE_MIN, t0 + 120_000);
    expect(m.recordDbConnectionFailure(FIVE_MIN, t0 + 180_000)).toBe(4);
    // The first one leaves the window five minutes later.
    expect(m.dbConnectionFailuresWithin(FIVE_MIN, t0 + FIVE_MIN + 1)).toBe(3);
    expect(m.counters().dbConnectionFailuresTotal).toBe(4);
  });

  it('raises an alarm once per window, not on every failure', () => {
    const m = new VideoMetrics();
    expect(m.claimAlert('db', FIVE_MIN, 0)).toBe(true);
    expect(m.claimAlert('db', FIVE_MIN, 1_000)).toBe(false);
    expect(m.claimAlert('rate', FIVE_MIN, 1_000)).toBe(true);
    expect(m.claimAlert('db', FIVE_MIN, FIVE_MIN + 1)).toBe(true);
  });

  it('renders Prometheus text with both alarms', () => {
    const text = videoMetricsText({
      dbConnectionFailuresInWindow: 4,
      dbConnectionFailuresWindowMinutes: 5,
      dbConnectionFailuresAlarm: true,
      dbConnectionFailuresTotal: 9,
      jobFailureRate: { failed: 2, finished: 10, percent: 20, windowMinutes: 60 },
      jobFailureRateAlarm: true,
      jobsFinished: { completed: 8, failed: 2, cancelled: 0, duplicate: 1 },
    });
    expect(text).toContain('video_db_connection_failures_window{window_minutes="5"} 4');
    expect(text).toContain('video_db_connection_failures_alarm 1');
    expect(text).toContain('video_job_failure_rate_percent{window_minutes="60"} 20');
    expect(text).toContain('video_job_failure_rate_alarm 1');
    expect(text).toContain('video_jobs_finished_total{status="duplicate"} 1');
  });
});

describe('video job progress', () => {
  it('reports step n/5, counts and elapsed time, and keeps step timings', () => {
    const p = new ProgressTracker('cam-1', 0, 32);
    expect(p.snapshot(0)).toMatchObject({
      step: 0,
      label: 'step 0/5 starting',
      status: 'running',
      batchSize: 32,
    });
    p.startStep(1, 0);
    p.startStep(1, 500); // already running: keeps its start
    p.startStep(2, 1_000);
    p.update({ framesExtracted: 40 });
    p.startStep(3, 3_000);
    p.update({ framesDetected: 16, detections: 20, batchSize: 8, oomHalvings: 2 });
    const mid = p.snapshot(65_000);
    expect(mid).toMatchObject({
      step: 3,
      label: 'step 3/5 detect persons',
      elapsedSeconds: 65,
      stepElapsedSeconds: 62,
    });
    expect(mid.steps).toEqual([
      expect.objectContaining({ step: 1, elapsedSeconds: 1 }),
      expect.objectContaining({ step: 2, elapsedSeconds: 2 }),
      expect.objectContaining({ step: 3, name: 'detect persons', startedAt: '1970-01-01T00:00:03.000Z' }),
    ]);
    expect(mid.steps[2].finishedAt).toBeUndefined();
    expect(p.summary(65_000)).toBe(
      '**step 3/5 detect persons** · elapsed 1m 05s · frames 16/40 detected · 20 persons · 0 rows saved · batch size 8 (halved 2× after GPU out-of-memory)',
    );
    p.end('failed', 70_000);
    expect(p.snapshot(999_000)).toMatchObject({ status: 'failed', elapsedSeconds: 70 });
  });

  it.each([
    [4.25, '4.3s'],
    [65, '1m 05s'],
    [3723, '1h 02m 03s'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
