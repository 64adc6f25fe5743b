import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeReportInProcess } from '../../../src/activities/report/report-in-process';
import type { DailyReport } from '../../../src/domain/log-analysis';
import {
  REFERENCE_EXPECTED as E,
  REFERENCE_LAYOUT_DIR,
  REFERENCE_REPORT_DATE,
} from '../../fixtures/logs/reference-layout';
import { reportTestDeps } from '../../helpers/report-deps';

describe("a day in the reference logging module's folder layout", () => {
  let tmp: string;
  let report: DailyReport;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-reference-'));
    const deps = reportTestDeps({ REPORT_LOG_DIRS: REFERENCE_LAYOUT_DIR, REPORT_OUTPUT_DIR: tmp });
    const result = await writeReportInProcess(deps, REFERENCE_REPORT_DATE, 'UTC');
    if (result.status !== 'written') throw new Error(`not written: ${JSON.stringify(result)}`);
    report = result.report;
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the app/, error/ and performance/ folders', () => {
    expect(report.sources.files.map((f) => path.relative(REFERENCE_LAYOUT_DIR, f.path))).toEqual([
      'app/api.log',
      'app/app.log',
      'app/database.log',
      'error/error.log',
      'performance/performance.log',
    ]);
  });

  it('counts each record once although the module writes it to several files', () => {
    expect(report.totals).toMatchObject({
      linesRead: E.linesRead,
      copiedRecords: E.copiedRecords,
      uncheckedRecords: 0,
      beforeWindow: E.beforeWindow,
      malformedLines: E.malformedLines,
      inWindow: E.inWindow,
      byLevel: E.byLevel,
    });
    const errors = report.errorAnalysis;
    expect(errors.totalErrors).toBe(E.totalErrors);
    expect(errors.criticalErrors).toBe(E.criticalErrors);
    expect(errors.unclassifiedErrors).toBe(E.unclassifiedErrors);
    expect(Object.fromEntries(errors.byClass.map((c) => [c.class, c.count]))).toEqual(E.errorClasses);
    expect(errors.hourlyTimeline.map((h) => h.errors)).toEqual(E.hourlyErrors);
    expect(errors.topMessages[0]).toMatchObject(E.topMessage);
  });

  it('counts every PERF line with metadata as an operation, readable metadata or not', () => {
    const perf = report.performanceAnalysis;
    expect(perf.operations).toBe(E.operations);
    expect(perf.slowOperations).toBe(E.slowOperations);
    expect(perf.slowByCategory).toEqual(E.slowByCategory);
    expect(perf.unreadableMetadata).toBe(E.unreadableMetadata);
    expect(perf.slowest.map((o) => o.seconds)).toEqual(E.slowestSeconds);
    expect(perf.slowest.find((o) => o.seconds === 12)?.operation).toBe('train_recommender');
    expect(perf.slowest.find((o) => o.seconds === 7.25)?.operation).toBe('api_fetch_movie-details');
    expect(perf.components).toEqual(E.components);
  });

  it('scores the day and says what it counted once and what it could not read', () => {
    expect(report.health.score).toBe(E.score);
    expect(report.health.grade).toBe(E.grade);
    expect(report.findings).toEqual(E.findings);
  });
});
