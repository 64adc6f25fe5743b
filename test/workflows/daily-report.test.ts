import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  AnalyseChunkInput,
  ReportActivities,
  ReportAlert,
  ReportSummaryEvent,
  ReportWindowInput,
} from '../../src/contracts/report-activities';
import {
  DailyReport,
  LogAggregate,
  LogAnalyzer,
  LogChunk,
  reportDateForRunAt,
  reportWindow,
} from '../../src/domain/log-analysis';
import { DAILY_REPORT_WORKFLOW_TYPE, dailyReportWorkflowId } from '../../src/contracts/workflows';
import type { DailyReportResult } from '../../src/workflows/daily-report';
import { uniqueName } from '../helpers/stack';
import { createTimeSkippingEnv } from '../helpers/time-skipping';

/**
 * The report workflow on the time-skipping test server: chunk fan-out with a parallelism
 * bound, merging, writing, publishing, the Poor-grade alert, the scheduled-run date, one run
 * per date. Activities are recording fakes at the activity boundary.
 */

jest.setTimeout(60_000);

const TZ = 'Europe/Berlin';

interface Recorder {
  plans: ReportWindowInput[];
  analysed: number[];
  maxInFlight: number;
  reports: DailyReport[];
  summaries: ReportSummaryEvent[];
  alerts: ReportAlert[];
}

/** Lines of one chunk: `errors` connection errors and `slow` slow API calls at 10:00 local. */
function chunkAggregate(reportDate: string, errors: number, slow: number): LogAggregate {
  const w = reportWindow(reportDate, TZ);
  const analyzer = new LogAnalyzer({
    windowStartMs: w.startMs,
    windowEndMs: w.endMs,
    analysedAtMs: w.endMs,
    textTimeZone: TZ,
  });
  const day = reportDate;
  for (let i = 0; i < errors; i++)
    analyzer.addLine(`[${day} 10:00:00] ERROR api | Connection refused to db-${i}`, 'fake');
  for (let i = 0; i < slow; i++)
    analyzer.addLine(`[${day} 10:00:00] PERF api | api call completed in 9.5s`, 'fake');
  analyzer.addLine('garbage', 'fake');
  return analyzer.snapshot();
}

interface FakeOptions {
  chunks: number;
  parallelism: number;
  /** Per chunk: connection errors and slow operations. */
  errorsPerChunk: number;
  slowPerChunk: number;
  /** Chunk indexes whose first attempt fails (a worker that died). */
  failFirstAttempt?: number[];
  /** Resolves when analyses may finish. */
  gate?: Promise<void>;
}

function fakeActivities(rec: Recorder, opts: FakeOptions): ReportActivities {
  let inFlight = 0;
  const attempts = new Map<number, number>();
  return {
    async planDailyReport(input) {
      rec.plans.push(input);
      const chunks: LogChunk[] = Array.from({ length: opts.chunks }, (_, index) => ({
        index,
        weight: 1,
        segments: [{ path: `/logs/app.log`, compressed: false, start: index * 100, end: index * 100 + 100 }],
      }));
      return {
        sources: {
          directories: ['/logs'],
          files: [{ path: '/logs/app.log', bytes: opts.chunks * 100, compressed: false }],
          skippedOlderFiles: 0,
          directoryProblems: [],
        },
        chunks,
        parallelism: opts.parallelism,
        textTimeZone: TZ,
      };
    },
    async analyseLogChunk(input: AnalyseChunkInput) {
      const attempt = (attempts.get(input.chunk.index) ?? 0) + 1;
      attempts.set(input.chunk.index, attempt);
      inFlight++;
      rec.maxInFlight = Math.max(rec.maxInFlight, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 20));
        if (opts.gate) await opts.gate;
        if (attempt === 1 && opts.failFirstAttempt?.includes(input.chunk.index)) {
          throw ApplicationFailure.retryable('worker lost', 'WorkerLost');
        }
        rec.analysed.push(input.chunk.index);
        const date = rec.plans[rec.plans.length - 1].reportDate;
        return chunkAggregate(date, opts.errorsPerChunk, opts.slowPerChunk);
      } finally {
        inFlight--;
      }
    },
    async writeDailyReport(report) {
      rec.reports.push(report);
      return {
        jsonPath: `/out/${report.reportDate}.json`,
        htmlPath: `/out/${report.reportDate}.html`,
        summary: `summary ${report.reportDate}`,
      };
    },
    async publishReportSummary(event) {
      rec.summaries.push(event);
    },
    async raiseReportAlert(alert) {
      rec.alerts.push(alert);
    },
  };
}

const newRecorder = (): Recorder => ({
  plans: [],
  analysed: [],
  maxInFlight: 0,
  reports: [],
  summaries: [],
  alerts: [],
});

describe('dailyLogReportWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // The workflow sets the ReportDate search attribute; the test server knows only what it is told.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: { ReportDate: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows/daily-report') });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(
    activities: ReportActivities,
    fn: (taskQueue: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = uniqueName('report-wf');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    return worker.runUntil(fn(taskQueue));
  }

  it('analyses every chunk (at most `parallelism` at once), merges them and writes one report', async () => {
    const rec = newRecorder();
    const opts = { chunks: 5, parallelism: 2, errorsPerChunk: 3, slowPerChunk: 1 };
    const result = await withWorker(fakeActivities(rec, opts), (taskQueue) =>
      env.client.workflow.execute(DAILY_REPORT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: dailyReportWorkflowId('2024-03-10') + uniqueName(':t'),
        args: [{ timeZone: TZ, reportDate: '2024-03-10' }],
      }),
    );
    const w = reportWindow('2024-03-10', TZ);
    expect(rec.plans).toEqual([
      { reportDate: '2024-03-10', timeZone: TZ, windowStartMs: w.startMs, windowEndMs: w.endMs },
    ]);
    expect([...rec.analysed].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(rec.maxInFlight).toBe(2);
    const [report] = rec.reports;
    expect(report.errorAnalysis.totalErrors).toBe(15);
    expect(report.performanceAnalysis.slowOperations).toBe(5);
    expect(report.totals.malformedLines).toBe(5);
    expect(report.errorAnalysis.topMessages[0]).toMatchObject({
      message: 'Connection refused to db-<n>',
      count: 15,
    });
    expect(report.errorAnalysis.hourlyTimeline.find((h) => h.label === '10:00')?.errors).toBe(15);
    expect(report.health).toMatchObject({ score: 100, grade: 'Excellent' });
    expect(rec.summaries).toEqual([
      expect.objectContaining({
        reportDate: '2024-03-10',
        score: 100,
        grade: 'Excellent',
        totalErrors: 15,
        summary: 'summary 2024-03-10',
      }),
    ]);
    expect(rec.alerts).toEqual([]);
    expect(result).toEqual({
      status: 'written',
      reportDate: '2024-03-10',
      score: 100,
      grade: 'Excellent',
      totalErrors: 15,
      criticalErrors: 0,
      slowOperations: 5,
      jsonPath: '/out/2024-03-10.json',
      htmlPath: '/out/2024-03-10.html',
      alerted: false,
      findings: ['5 lines could not be parsed (samples in the report).'],
    } satisfies DailyReportResult);
  });

  it('a Poor grade raises an ALERT', async () => {
    const rec = newRecorder();
    // 4 × 30 = 120 errors (−40) and 4 × 6 = 24 slow operations (−30): 30/100.
    const result = (await withWorker(
      fakeActivities(rec, { chunks: 4, parallelism: 4, errorsPerChunk: 30, slowPerChunk: 6 }),
      (taskQueue) =>
        env.client.workflow.execute(DAILY_REPORT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: uniqueName('poor'),
          args: [{ timeZone: TZ, reportDate: '2024-03-11' }],
        }),
    )) as DailyReportResult;
    expect(result).toMatchObject({ status: 'written', score: 30, grade: 'Poor', alerted: true });
    expect(rec.alerts).toEqual([
      expect.objectContaining({
        reportDate: '2024-03-11',
        title: 'Daily log report 2024-03-11: health 30/100 (Poor)',
        message: 'summary 2024-03-11',
      }),
    ]);
    expect(rec.alerts[0].alertId).not.toBe(rec.summaries[0].eventId);
  });

  it('a chunk whose activity failed is retried and the report is still complete', async () => {
    const rec = newRecorder();
    const result = await withWorker(
      fakeActivities(rec, {
        chunks: 3,
        parallelism: 3,
        errorsPerChunk: 2,
        slowPerChunk: 0,
        failFirstAttempt: [1],
      }),
      (taskQueue) =>
        env.client.workflow.execute(DAILY_REPORT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: uniqueName('retry'),
          args: [{ timeZone: TZ, reportDate: '2024-03-12' }],
        }),
    );
    expect(result).toMatchObject({ status: 'written', totalErrors: 6 });
    expect([...rec.analysed].sort()).toEqual([0, 1, 2]);
  });

  it('started without a date (by the schedule), it reports on the last finished local day under that date’s id', async () => {
    const rec = newRecorder();
    const result = (await withWorker(
      fakeActivities(rec, { chunks: 1, parallelism: 1, errorsPerChunk: 0, slowPerChunk: 0 }),
      async (taskQueue) => {
        const startedAt = await env.currentTimeMs();
        const r = await env.client.workflow.execute(DAILY_REPORT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: uniqueName('scheduled'),
          args: [{ timeZone: TZ }],
        });
        return { r, startedAt };
      },
    )) as { r: DailyReportResult; startedAt: number };
    const expectedDate = reportDateForRunAt(result.startedAt, TZ);
    expect(result.r).toMatchObject({ status: 'written', reportDate: expectedDate });
    expect(rec.plans.map((p) => p.reportDate)).toEqual([expectedDate]);
    const child = await env.client.workflow.getHandle(dailyReportWorkflowId(expectedDate)).describe();
    expect(child.type).toBe(DAILY_REPORT_WORKFLOW_TYPE);
    expect(child.status.name).toBe('COMPLETED');
  });

  it('a scheduled run while the same date is already being reported does not start a second run', async () => {
    const rec = newRecorder();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    await withWorker(
      fakeActivities(rec, { chunks: 1, parallelism: 1, errorsPerChunk: 0, slowPerChunk: 0, gate }),
      async (taskQueue) => {
        const date = reportDateForRunAt(await env.currentTimeMs(), TZ);
        const byHand = await env.client.workflow.start(DAILY_REPORT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: dailyReportWorkflowId(date),
          args: [{ timeZone: TZ, reportDate: date }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        });
        const scheduled = await env.client.workflow.execute(DAILY_REPORT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: uniqueName('scheduled'),
          args: [{ timeZone: TZ }],
        });
        expect(scheduled).toEqual({
          status: 'already-running',
          reportDate: date,
          workflowId: dailyReportWorkflowId(date),
        });
        open();
        expect(await byHand.result()).toMatchObject({ status: 'written', reportDate: date });
      },
    );
    expect(rec.plans).toHaveLength(1);
  });

  it.each([
    [{ timeZone: TZ, reportDate: '2024-02-30' }, "'2024-02-30' is not a report date: expected YYYY-MM-DD"],
    [
      { timeZone: 'Mars/Olympus', reportDate: '2024-03-10' },
      "unknown time zone 'Mars/Olympus': expected an IANA zone",
    ],
  ])('bad input %j fails at once with a clear reason', async (input, message) => {
    const rec = newRecorder();
    const err = await withWorker(
      fakeActivities(rec, { chunks: 1, parallelism: 1, errorsPerChunk: 0, slowPerChunk: 0 }),
      (taskQueue) =>
        env.client.workflow
          .execute(DAILY_REPORT_WORKFLOW_TYPE, { taskQueue, workflowId: uniqueName('bad'), args: [input] })
          .catch((e: unknown) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidReportInput');
    expect(cause.message).toBe(message);
    expect(rec.plans).toEqual([]);
  });

  it('replays its own history without non-determinism', async () => {
    const rec = newRecorder();
    const workflowId = uniqueName('replay');
    await withWorker(
      fakeActivities(rec, { chunks: 4, parallelism: 2, errorsPerChunk: 30, slowPerChunk: 6 }),
      (taskQueue) =>
        env.client.workflow.execute(DAILY_REPORT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [{ timeZone: TZ, reportDate: '2024-03-13' }],
        }),
    );
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
  });
});
