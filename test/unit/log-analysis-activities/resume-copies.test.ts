import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyseLogChunk } from '../../../src/activities/report/analyse-log-chunk';
import type { AnalyseChunkInput, ChunkProgress } from '../../../src/contracts/report-activities';
import { LogAggregate, planChunks, reportWindow } from '../../../src/domain/log-analysis';
import { reportTestDeps } from '../../helpers/report-deps';

const window = reportWindow('2024-03-10', 'UTC');
const ERRORS = 3000;

/** app.log: 3,000 errors and 3,000 infos; error.log: the same 3,000 errors again (~180 KB each). */
function writeLogs(dir: string): void {
  const app: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < ERRORS; i++) {
    const at = `2024-03-10 ${String(Math.floor(i / 180)).padStart(2, '0')}:${String(Math.floor(i / 3) % 60).padStart(2, '0')}:00`;
    const error = `[${at}] ERROR api | Connection refused to db-${i}:5432`;
    app.push(error, `[${at}] INFO api | request ${i} served`);
    errors.push(error);
  }
  fs.writeFileSync(path.join(dir, 'app.log'), app.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'error.log'), errors.join('\n') + '\n');
}

describe('a resumed chunk still recognises copies read before the heartbeat', () => {
  let tmp: string;
  let input: AnalyseChunkInput;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-resume-copies-'));
    writeLogs(tmp);
    const files = ['app.log', 'error.log'].map((f) => ({
      path: path.join(tmp, f),
      bytes: fs.statSync(path.join(tmp, f)).size,
      compressed: false,
    }));
    const [chunk] = planChunks(files, { chunkBytes: 1 << 30, maxChunks: 1 });
    input = { chunk, windowStartMs: window.startMs, windowEndMs: window.endMs, textTimeZone: 'UTC' };
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function run(details?: ChunkProgress): Promise<{ result: LogAggregate; beats: ChunkProgress[] }> {
    const env = new MockActivityEnvironment(details ? { heartbeatDetails: details } : {});
    const beats: ChunkProgress[] = [];
    env.on('heartbeat', (d: ChunkProgress) => {
      if (d.aggregate) beats.push(d);
    });
    const analyse = createAnalyseLogChunk(reportTestDeps({}), { progressEveryMs: 0 });
    return { result: (await env.run(analyse, input)) as LogAggregate, beats };
  }

  it('counts every error once and gives the same aggregate from a heartbeat in either file', async () => {
    const { result: whole, beats } = await run();
    expect(whole.errors).toBe(ERRORS);
    expect(whole.copiedRecords).toBe(ERRORS);
    expect(whole.inWindow).toBe(2 * ERRORS);
    const inFirst = beats.filter((b) => b.segment === 0 && b.position > 0);
    const inSecond = beats.filter((b) => b.segment === 1 && b.position > 0);
    expect(inSecond.length).toBeGreaterThan(1);
    for (const from of [inFirst[Math.floor(inFirst.length / 2)], inSecond[Math.floor(inSecond.length / 2)]]) {
      expect((await run(from)).result).toEqual(whole);
    }
  });
});
