import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyseLogChunk } from '../../../src/activities/report/analyse-log-chunk';
import { createPlanDailyReport } from '../../../src/activities/report/plan-daily-report';
import {
  buildDailyReport,
  DailyReport,
  LogAggregate,
  mergeAllAggregates,
  reportWindow,
} from '../../../src/domain/log-analysis';
import { openLogFiles } from '../../../src/logging/log-files';
import { createLogger } from '../../../src/logger';
import { activityPerformanceInterceptor } from '../../../src/workers/activity-performance';
import { reportTestDeps } from '../../helpers/report-deps';

const discard = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

/** The report the workflow would write for `reportDate` over `dir`: the real plan and analysis activities. */
async function reportOn(dir: string, reportDate: string): Promise<DailyReport> {
  const deps = reportTestDeps({ REPORT_LOG_DIRS: dir });
  const window = reportWindow(reportDate, 'UTC');
  const plan = await createPlanDailyReport(deps)({
    reportDate,
    timeZone: 'UTC',
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
  });
  const analyse = createAnalyseLogChunk(deps);
  const parts: LogAggregate[] = [];
  for (const chunk of plan.chunks) {
    parts.push(
      await new MockActivityEnvironment().run(analyse, {
        chunk,
        windowStartMs: window.startMs,
        windowEndMs: window.endMs,
        textTimeZone: plan.textTimeZone,
      }),
    );
  }
  return buildDailyReport(
    window,
    mergeAllAggregates(window.startMs, window.endMs, parts),
    plan.sources,
    Date.now(),
  );
}

function lineCount(dir: string, names: string[]): number {
  return names.reduce(
    (n, name) => n + fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean).length,
    0,
  );
}

describe("the daily report over the product's own log files", () => {
  let dir: string;
  let report: DailyReport;
  const ERRORS = 3;
  const PLANS = 4;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-logs-'));
    // Small files, so the day's lines are spread over rotated files as well.
    const files = openLogFiles({ dir, name: 'mlops-guardian', maxBytes: 4_096, keep: 10 });
    const logger = createLogger({ level: 'info', pretty: false, files }, discard());
    const bridge = logger.child({ component: 'bridge' });
    for (let i = 0; i < 40; i++) bridge.info({ offset: String(i), topic: 'data.drift.detected' }, 'consumed');
    for (let i = 0; i < ERRORS; i++)
      bridge.error(
        { err: new Error(`connect ECONNREFUSED 127.0.0.1:${9000 + i}`) },
        'Kafka connection error',
      );
    logger.fatal('Temporal worker failed');

    // Real activities run through the worker's performance interceptor write the records.
    const deps = reportTestDeps({ REPORT_LOG_DIRS: dir });
    const interceptor = activityPerformanceInterceptor(logger, (type) =>
      type === 'planDailyReport' ? 'report' : undefined,
    );
    const today = new Date().toISOString().slice(0, 10);
    const window = reportWindow(today, 'UTC');
    for (let i = 0; i < PLANS; i++) {
      await new MockActivityEnvironment(
        { activityType: 'planDailyReport' },
        { interceptors: [interceptor] },
      ).run(createPlanDailyReport(deps), {
        reportDate: today,
        timeZone: 'UTC',
        windowStartMs: window.startMs,
        windowEndMs: window.endMs,
      });
    }
    // An activity the worker does not know as the product's own is not recorded.
    await new MockActivityEnvironment({ activityType: 'somethingElse' }, { interceptors: [interceptor] }).run(
      async () => undefined,
    );
    files.close();
    report = await reportOn(dir, today);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the rotated files and the error file', () => {
    const names = report.sources.files.map((f) => path.basename(f.path));
    expect(names).toContain('mlops-guardian.log');
    expect(names).toContain('mlops-guardian.log.1');
    expect(names).toContain('mlops-guardian-errors.log');
    expect(report.malformed.count).toBe(0);
  });

  it('counts each error once, though the error file holds it again', () => {
    expect(report.errorAnalysis.totalErrors).toBe(ERRORS + 1);
    expect(report.errorAnalysis.criticalErrors).toBe(1);
    expect(report.totals.copiedRecords).toBe(ERRORS + 1);
    expect(report.errorAnalysis.byClass.find((c) => c.class === 'connection')?.count).toBe(ERRORS);
    // Every line of the log files once: the error file's lines are all copies.
    const logFiles = report.sources.files
      .map((f) => path.basename(f.path))
      .filter((n) => !n.includes('errors'));
    expect(report.totals.inWindow).toBe(lineCount(dir, logFiles));
  });

  it('has performance figures about the product itself', () => {
    const perf = report.performanceAnalysis;
    expect(perf.operations).toBe(PLANS);
    expect(perf.components).toEqual([
      expect.objectContaining({ component: 'report processing', count: PLANS, slowOperations: 0 }),
    ]);
    expect(perf.slowest[0]).toMatchObject({
      component: 'report processing',
      operation: 'planDailyReport',
      category: 'data processing',
      slow: false,
    });
    expect(perf.slowest[0].seconds).toBeGreaterThan(0);
  });
});
