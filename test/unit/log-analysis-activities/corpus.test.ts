import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyseLogChunk } from '../../../src/activities/report/analyse-log-chunk';
import { createPlanDailyReport } from '../../../src/activities/report/plan-daily-report';
import { createWriteDailyReport } from '../../../src/activities/report/write-daily-report';
import {
  buildDailyReport,
  DailyReport,
  LogAggregate,
  mergeAllAggregates,
  planChunks,
  reportWindow,
} from '../../../src/domain/log-analysis';
import {
  CORPUS_DIR,
  CORPUS_EXPECTED as E,
  CORPUS_REPORT_DATE,
  GZIP_SOURCE,
  materializeCorpus,
} from '../../fixtures/logs/corpus';
import { reportTestDeps } from '../../helpers/report-deps';

/** Runs the real plan + analyse activities over the corpus, as the workflow would. */
async function analyseCorpus(logDir: string, chunkBytes?: number): Promise<DailyReport> {
  const deps = reportTestDeps({ REPORT_LOG_DIRS: logDir });
  const window = reportWindow(CORPUS_REPORT_DATE, 'UTC');
  const plan = await createPlanDailyReport(deps)({
    reportDate: CORPUS_REPORT_DATE,
    timeZone: 'UTC',
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
  });
  const chunks = chunkBytes ? planChunks(plan.sources.files, { chunkBytes, maxChunks: 10_000 }) : plan.chunks;
  const analyse = createAnalyseLogChunk(deps);
  const parts: LogAggregate[] = [];
  for (const chunk of chunks) {
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

describe('the hand-counted fixture corpus', () => {
  let tmp: string;
  let report: DailyReport;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-corpus-'));
    report = await analyseCorpus(materializeCorpus(path.join(tmp, 'logs')));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the log files, rotated and gzip ones included, and skips other files', () => {
    expect(report.sources.files.map((f) => path.basename(f.path))).toEqual([
      'app.log',
      'app.log.2024-03-09',
      'guardian.log',
      'worker.log.1.gz',
    ]);
    expect(report.sources.files.map((f) => f.compressed)).toEqual([false, false, false, true]);
    // Decompressed text of the .gz, plain bytes of the rest.
    const plainBytes = ['app.log', 'app.log.2024-03-09', 'guardian.log'].reduce(
      (n, f) => n + fs.statSync(path.join(CORPUS_DIR, f)).size,
      0,
    );
    expect(report.totals.bytesRead).toBe(plainBytes + fs.statSync(GZIP_SOURCE).size);
  });

  it('counts lines, formats, levels and the window exactly', () => {
    expect(report.totals).toMatchObject({
      linesRead: E.linesRead,
      blankLines: E.blankLines,
      malformedLines: E.malformedLines,
      beforeWindow: E.beforeWindow,
      afterWindow: E.afterWindow,
      inWindow: E.inWindow,
      futureLines: 0,
      byFormat: E.byFormat,
      byLevel: E.byLevel,
    });
  });

  it('classifies errors and builds the hourly timeline', () => {
    const errors = report.errorAnalysis;
    expect(errors.totalErrors).toBe(E.totalErrors);
    expect(errors.criticalErrors).toBe(E.criticalErrors);
    expect(errors.unclassifiedErrors).toBe(E.unclassifiedErrors);
    expect(Object.fromEntries(errors.byClass.map((c) => [c.class, c.count]))).toEqual(E.errorClasses);
    expect(errors.topClass).toBe('connection error');
    expect(errors.hourlyTimeline.map((h) => h.errors)).toEqual(E.hourlyErrors);
    expect(errors.hourlyTimeline.map((h) => h.lines)).toEqual(E.hourlyLines);
    expect(errors.hourlyTimeline.map((h) => h.critical)).toEqual(E.hourlyCritical);
    expect(errors.hourlyTimeline[0]).toMatchObject({ start: '2024-03-10T00:00:00.000Z', label: '00:00' });
    expect(errors.hourlyTimeline[23]).toMatchObject({ start: '2024-03-10T23:00:00.000Z', label: '23:00' });
  });

  it('groups similar messages into the top 10', () => {
    expect(report.errorAnalysis.topMessages.map(({ message, count }) => ({ message, count }))).toEqual(
      E.topMessages,
    );
    expect(report.errorAnalysis.topMessages[0].example).toBe('Connection refused to db-1:5432');
  });

  it('finds slow operations by category and sums up components', () => {
    const perf = report.performanceAnalysis;
    expect(perf.operations).toBe(E.operations);
    expect(perf.slowOperations).toBe(E.slowOperations);
    expect(perf.slowByCategory).toEqual(E.slowByCategory);
    expect(
      perf.slowest.map(({ component, operation, seconds, category, slow }) => ({
        component,
        operation,
        seconds,
        category,
        slow,
      })),
    ).toEqual(E.slowest);
    expect(perf.slowest[5].time).toBe('2024-03-10T04:00:00.000Z');
    expect(perf.components).toEqual(E.components);
  });

  it('scores and grades the day and says what to do', () => {
    expect(report.health).toEqual({
      score: E.score,
      grade: E.grade,
      deductions: E.deductions,
      recommendations: E.recommendations,
    });
    expect(report.findings).toEqual(['6 lines could not be parsed (samples in the report).']);
  });

  it('samples malformed lines with their file and byte offset', () => {
    const samples = report.malformed.samples;
    expect(samples.map((s) => s.reason)).toEqual(E.malformedReasons);
    const appLog = fs.readFileSync(path.join(CORPUS_DIR, 'app.log'), 'utf8');
    expect(samples[0]).toEqual({
      source: path.join(tmp, 'logs', 'app.log'),
      offset: appLog.indexOf('this line is garbage'),
      reason: 'not a JSON object or a [YYYY-MM-DD HH:MM:SS] line',
      text: 'this line is garbage',
    });
    const guardianLog = fs.readFileSync(path.join(CORPUS_DIR, 'guardian.log'), 'utf8');
    expect(samples[5].offset).toBe(guardianLog.indexOf('{"level":30,"msg":"no time here"}'));
  });

  it('gives the same report when the files are split into many small chunks', async () => {
    // 97-byte chunks cut most lines in the middle: each line must still be counted exactly once.
    const small = await analyseCorpus(path.join(tmp, 'logs'), 97);
    expect(small).toEqual({ ...report, generatedAt: small.generatedAt });
  });

  it('writes the JSON and a self-contained HTML page', async () => {
    const out = path.join(tmp, 'out');
    const deps = reportTestDeps({ REPORT_OUTPUT_DIR: out });
    const written = await createWriteDailyReport(deps)(report);
    expect(written.jsonPath).toBe(path.join(out, 'daily_log_report_20240310.json'));
    expect(JSON.parse(fs.readFileSync(written.jsonPath, 'utf8'))).toEqual(report);
    const html = fs.readFileSync(written.htmlPath, 'utf8');
    expect(path.basename(written.htmlPath)).toBe('daily_log_report_20240310.html');
    expect(html).toContain('Good · 85/100');
    expect(html).toContain('<svg');
    expect(html).toContain('2 critical errors: review them first (most at 03:00).');
    expect(html).not.toMatch(/<script|src="http|href="http/);
    expect(written.summary.split('\n')[0]).toBe('Daily log report 2024-03-10 (UTC): health 85/100, Good');
  });
});
