import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DAILY_REPORT_WORKFLOW_TYPE, type DailyReportResult } from '../../src/contracts/workflows';
import type { DailyReport } from '../../src/domain/log-analysis';
import { type LogFiles, logFileSettingsOf, openLogFiles } from '../../src/logging/log-files';
import { createLogger } from '../../src/logger';
import { BridgeTestEnv, createBridgeTestEnv, driftEvent, produce, waitFor } from '../helpers/bridge-harness';
import { ProductOnStack, startProductOnStack } from '../helpers/product-on-stack';
import { uniqueName } from '../helpers/stack';

/**
 * The product reporting on itself, on the real stack: the worker and the bridge log into
 * LOG_FILE_DIR as `npm start` does, events go through Kafka, the bridge and the guardian, and
 * the real daily report workflow (REPORT_LOG_DIRS unset, so it reads LOG_FILE_DIR) finds the
 * product's own lines, its errors once, and performance figures of its own operations.
 */

jest.setTimeout(300_000);

const EVENTS = 3;

function linesIn(dir: string, match: (name: string) => boolean): string[] {
  return fs
    .readdirSync(dir)
    .filter(match)
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean));
}

describe("the daily report over the product's own logs", () => {
  let logDir: string;
  let outputDir: string;
  let t: BridgeTestEnv;
  let files: LogFiles;
  let product: ProductOnStack;
  let report: DailyReport;
  const model = uniqueName('own-logs-model');

  /** Runs the real report workflow for today (UTC) on the product's worker; the report it wrote. */
  async function runReport(): Promise<DailyReport> {
    const reportDate = new Date().toISOString().slice(0, 10);
    const result = await t.temporal.client.workflow.execute<(input: unknown) => Promise<DailyReportResult>>(
      DAILY_REPORT_WORKFLOW_TYPE,
      {
        taskQueue: t.taskQueue,
        workflowId: uniqueName('own-logs-report'),
        args: [{ timeZone: 'UTC', reportDate }],
      },
    );
    expect(result.status).toBe('written');
    const name = `daily_log_report_${reportDate.replaceAll('-', '')}.json`;
    return JSON.parse(fs.readFileSync(path.join(outputDir, name), 'utf8')) as DailyReport;
  }

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-logs-'));
    outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-logs-reports-'));
    t = await createBridgeTestEnv({
      env: {
        LOG_FILE_DIR: logDir,
        REPORT_LOG_DIRS: '',
        REPORT_OUTPUT_DIR: outputDir,
        BUSINESS_HOURS_START: '0',
        BUSINESS_HOURS_END: '23',
      },
    });
    files = openLogFiles(logFileSettingsOf(t.config.runtime, 'mlops-guardian')!);
    // Standard output is not what this test reads: the files are.
    const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
    const logger = createLogger({ level: 'info', pretty: false, files }, quiet);
    product = await startProductOnStack(t, undefined, logger);

    // LOW drift: MONITOR, so the guardian's activities run without a training job.
    await produce(
      t.producer,
      t.topics.drift,
      Array.from({ length: EVENTS }, () => ({
        key: model,
        value: JSON.stringify(
          driftEvent(model, { severity: 'LOW', drift_score: 0.1, affected_features: [] }),
        ),
      })),
    );
    await waitFor(
      'the guardian to record every event',
      () => product.auditRows(model),
      (rows) => rows.length >= EVENTS,
      180_000,
    );
    // A product error, logged as the product logs one.
    logger
      .child({ component: 'bridge' })
      .error({ err: new Error('connect ECONNREFUSED 127.0.0.1:1') }, 'Kafka connection error');

    // Twice: the second report also reads the first one's activities (a report reads its files
    // as they were when it listed them, so a run never sees its own records).
    await runReport();
    report = await runReport();
  });

  afterAll(async () => {
    await product?.close();
    files?.close();
    await new Promise((r) => setTimeout(r, 3_000));
    await t?.close();
    for (const dir of [logDir, outputDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the directory the product logs into', () => {
    expect(report.sources.directories).toEqual([path.resolve(logDir)]);
    expect(report.sources.files.map((f) => path.basename(f.path)).sort()).toEqual([
      'mlops-guardian-errors.log',
      'mlops-guardian.log',
    ]);
    expect(report.totals.inWindow).toBeGreaterThan(0);
    expect(report.malformed.count).toBe(0);
  });

  it('counts the errors of the error file once', () => {
    const errorLines = linesIn(logDir, (n) => n.startsWith('mlops-guardian-errors.log'));
    expect(errorLines.length).toBeGreaterThanOrEqual(1);
    expect(report.errorAnalysis.totalErrors).toBe(errorLines.length);
    expect(report.totals.copiedRecords).toBe(errorLines.length);
    expect(report.errorAnalysis.topMessages.map((m) => m.message)).toContain('Kafka connection error');
  });

  it("has performance figures of the bridge's deliveries and the activities", () => {
    const perf = report.performanceAnalysis;
    const component = (name: string) => perf.components.find((c) => c.component === name);
    expect(component('bridge')?.count).toBeGreaterThanOrEqual(EVENTS);
    expect(component('guardian activities')?.count).toBeGreaterThanOrEqual(1);
    // The first report's activities: plan, analysis, writing, summary.
    expect(component('report processing')?.count).toBeGreaterThanOrEqual(4);
    expect(perf.slowest.map((op) => op.operation)).toContain('analyseLogChunk');
    expect(perf.operations).toBe(perf.components.reduce((n, c) => n + c.count, 0));
    const delivery = perf.slowest.find((op) => op.operation === 'signal guardian via Temporal API');
    expect(delivery).toMatchObject({ component: 'bridge', category: 'api call', thresholdSeconds: 5 });
  });
});
