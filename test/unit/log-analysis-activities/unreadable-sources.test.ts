import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MockActivityEnvironment } from '@temporalio/testing';
import { isLogFileName } from '../../../src/backends/report/list-log-files';
import { createAnalyseLogChunk } from '../../../src/activities/report/analyse-log-chunk';
import { createPlanDailyReport } from '../../../src/activities/report/plan-daily-report';
import {
  buildDailyReport,
  LogAggregate,
  mergeAllAggregates,
  reportWindow,
} from '../../../src/domain/log-analysis';
import { reportTestDeps } from '../../helpers/report-deps';

const window = reportWindow('2024-03-10', 'UTC');
const LINE = '[2024-03-10 10:00:00] ERROR api | Connection refused\n';

describe('log sources that cannot be read', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-unreadable-'));
    fs.mkdirSync(path.join(tmp, 'good'));
    fs.writeFileSync(path.join(tmp, 'good', 'app.log'), LINE.repeat(3));
    fs.writeFileSync(path.join(tmp, 'good', 'gone.log'), LINE);
    // A gzip file cut short: the lines before the cut still count.
    const gz = gzipSync(LINE.repeat(2000));
    fs.writeFileSync(path.join(tmp, 'good', 'broken.log.1.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    fs.writeFileSync(path.join(tmp, 'not-a-dir'), 'x');
    // Last modified before the window: cannot hold a line of the day, not read.
    fs.writeFileSync(path.join(tmp, 'good', 'old.log.2024-01-01'), LINE);
    const old = new Date('2024-01-02T00:00:00Z');
    fs.utimesSync(path.join(tmp, 'good', 'old.log.2024-01-01'), old, old);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports missing and non-directory paths and unreadable files as findings, and analyses the rest', async () => {
    const dirs = [path.join(tmp, 'good'), path.join(tmp, 'missing'), path.join(tmp, 'not-a-dir')].join(',');
    const deps = reportTestDeps({ REPORT_LOG_DIRS: dirs });
    const input = {
      reportDate: '2024-03-10',
      timeZone: 'UTC',
      windowStartMs: window.startMs,
      windowEndMs: window.endMs,
    };
    const plan = await createPlanDailyReport(deps)(input);
    expect(plan.sources.directoryProblems).toEqual([
      { source: path.join(tmp, 'missing'), problem: 'it does not exist' },
      { source: path.join(tmp, 'not-a-dir'), problem: 'it is not a directory' },
    ]);
    expect(plan.sources.skippedOlderFiles).toBe(1);
    expect(plan.sources.files.map((f) => path.basename(f.path))).toEqual([
      'app.log',
      'broken.log.1.gz',
      'gone.log',
    ]);

    fs.rmSync(path.join(tmp, 'good', 'gone.log')); // rotated away between listing and reading
    const parts: LogAggregate[] = [];
    for (const chunk of plan.chunks) {
      parts.push(
        await new MockActivityEnvironment().run(createAnalyseLogChunk(deps), {
          chunk,
          windowStartMs: window.startMs,
          windowEndMs: window.endMs,
          textTimeZone: 'UTC',
        }),
      );
    }
    const merged = mergeAllAggregates(window.startMs, window.endMs, parts);
    expect(merged.problems).toEqual([
      {
        source: path.join(tmp, 'good', 'broken.log.1.gz'),
        problem: expect.stringMatching(/^unexpected end of file|corrupt gzip data/),
      },
      {
        source: path.join(tmp, 'good', 'gone.log'),
        problem: 'it disappeared before it was read (rotated away?)',
      },
    ]);
    expect(merged.inWindow).toBeGreaterThan(3); // app.log and the readable part of the .gz
    expect(merged.inWindow).toBeLessThan(3 + 2000);

    const report = buildDailyReport(window, merged, plan.sources, Date.now());
    expect(report.findings.slice(0, 4)).toEqual([
      `${path.join(tmp, 'missing')} could not be read (it does not exist): its logs are missing from this report.`,
      `${path.join(tmp, 'not-a-dir')} could not be read (it is not a directory): its logs are missing from this report.`,
      expect.stringContaining(`${path.join(tmp, 'good', 'broken.log.1.gz')} could not be read completely`),
      `${path.join(tmp, 'good', 'gone.log')} could not be read completely: it disappeared before it was read (rotated away?).`,
    ]);
  });

  it.each([
    ['app.log', true],
    ['app.log.1', true],
    ['app.log.2024-03-10', true],
    ['app.log.2024-03-10.gz', true],
    ['app.log.1.gz', true],
    ['app.log.gz', true],
    ['events.jsonl', true],
    ['app-2024-03-10.log', true],
    ['notes.md', false],
    ['app.log.bak', false],
    ['app.logger', false],
    ['archive.tar.gz', false],
  ])('%s is a log file: %s', (name, yes) => {
    expect(isLogFileName(name)).toBe(yes);
  });
});
