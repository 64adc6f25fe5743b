import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyseLogChunk } from '../../../src/activities/report/analyse-log-chunk';
import { createPlanDailyReport } from '../../../src/activities/report/plan-daily-report';
import {
  buildDailyReport,
  DailyReport,
  LogAggregate,
  mergeAllAggregates,
  planChunks,
  reportWindow,
} from '../../../src/domain/log-analysis';
import { CORPUS_REPORT_DATE, materializeCorpus } from '../../fixtures/logs/corpus';
import { reportTestDeps } from '../../helpers/report-deps';

const window = reportWindow(CORPUS_REPORT_DATE, 'UTC');
const NOW = window.endMs + 3_600_000;

/** Error copies in two files, so copy recognition across a chunk's files matters too. */
function writeCopies(dir: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const s = i % 86_400;
    const stamp = `[${CORPUS_REPORT_DATE} ${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(
      Math.floor((s % 3600) / 60),
    ).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}]`;
    if (i % 7 === 0) lines.push(`${stamp} ERROR db | Connection refused to db-${i % 5}:5432`);
    else if (i % 11 === 0) lines.push(`${stamp} PERF api | query features completed in ${(i % 90) / 10}s`);
    else lines.push(`${stamp} INFO api | request ${i} served`);
  }
  fs.writeFileSync(path.join(dir, 'api.log'), lines.join('\n') + '\n');
  fs.writeFileSync(
    path.join(dir, 'error.log.1.gz'),
    gzipSync(lines.filter((l) => l.includes(' ERROR ')).join('\n') + '\n'),
  );
}

/** Plans the day in small chunks and analyses them `lanes` at a time, as the workflow does. */
async function analyse(logDir: string, threads: number, lanes: number): Promise<DailyReport> {
  const deps = reportTestDeps({ REPORT_LOG_DIRS: logDir, REPORT_ANALYSIS_THREADS: String(threads) });
  const plan = await createPlanDailyReport(deps)({
    reportDate: CORPUS_REPORT_DATE,
    timeZone: 'UTC',
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
  });
  const chunks = planChunks(plan.sources.files, { chunkBytes: 64 * 1024, maxChunks: 10_000 });
  const activity = createAnalyseLogChunk(deps);
  const parts: LogAggregate[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        parts[chunk.index] = (await new MockActivityEnvironment().run(activity, {
          chunk,
          windowStartMs: window.startMs,
          windowEndMs: window.endMs,
          textTimeZone: plan.textTimeZone,
        })) as LogAggregate;
      }
    }),
  );
  expect(chunks.length).toBeGreaterThan(4);
  return buildDailyReport(window, mergeAllAggregates(window.startMs, window.endMs, parts), plan.sources, NOW);
}

describe('log chunks analysed on threads', () => {
  let tmp: string;
  let logDir: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-threads-'));
    logDir = materializeCorpus(path.join(tmp, 'logs'));
    writeCopies(logDir);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('give the same report as one chunk after another on the activity thread', async () => {
    const sequential = await analyse(logDir, 0, 1);
    // Three chunks at a time on two threads: one of them always waits for a thread.
    const parallel = await analyse(logDir, 2, 3);
    expect(parallel.totals.inWindow).toBeGreaterThan(20_000);
    expect(parallel.totals.copiedRecords).toBeGreaterThan(0);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(sequential));
  });
});
