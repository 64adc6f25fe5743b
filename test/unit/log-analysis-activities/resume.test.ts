import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalyseLogChunk } from '../../../src/activities/report/analyse-log-chunk';
import type { AnalyseChunkInput, ChunkProgress } from '../../../src/contracts/report-activities';
import { LogAggregate, planChunks, reportWindow } from '../../../src/domain/log-analysis';
import { reportTestDeps } from '../../helpers/report-deps';

const window = reportWindow('2024-03-10', 'UTC');

/** ~6 MB of mixed lines, so a chunk takes several read blocks (and heartbeats). */
function writeLogs(dir: string): void {
  const text: string[] = [];
  const json: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    const t = window.startMs + (i % 86_400) * 1000;
    const hh = String(Math.floor((i % 86_400) / 3600)).padStart(2, '0');
    const mm = String(Math.floor((i % 3600) / 60)).padStart(2, '0');
    text.push(
      `[2024-03-10 ${hh}:${mm}:00] ${i % 10 === 0 ? 'ERROR' : 'INFO'} api | request ${i} ${i % 10 === 0 ? 'timed out' : 'ok'} ${'p'.repeat(50)}`,
    );
    json.push(
      JSON.stringify({
        level: i % 13 === 0 ? 50 : 30,
        time: t,
        component: 'db',
        msg: i % 13 === 0 ? `Connection refused to db-${i % 5}` : 'fine',
        pad: 'q'.repeat(40),
      }),
    );
    if (i % 100 === 0)
      text.push(`[2024-03-10 ${hh}:${mm}:00] PERF db | query ${i % 7} completed in ${(i % 50) / 10}s`);
  }
  fs.writeFileSync(path.join(dir, 'api.log'), text.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'db.log.1.gz'), gzipSync(json.join('\n') + '\n'));
}

describe('analyseLogChunk heartbeats and resumes', () => {
  let tmp: string;
  let input: AnalyseChunkInput;
  const deps = () => reportTestDeps({});

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-resume-'));
    writeLogs(tmp);
    const files = ['api.log', 'db.log.1.gz'].map((f) => ({
      path: path.join(tmp, f),
      bytes: fs.statSync(path.join(tmp, f)).size,
      compressed: f.endsWith('.gz'),
    }));
    const [chunk] = planChunks(files, { chunkBytes: 1 << 30, maxChunks: 1 });
    input = { chunk, windowStartMs: window.startMs, windowEndMs: window.endMs, textTimeZone: 'UTC' };
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function runFully(
    details?: ChunkProgress,
  ): Promise<{ result: LogAggregate; beats: ChunkProgress[] }> {
    const env = new MockActivityEnvironment(details ? { heartbeatDetails: details } : {});
    const beats: ChunkProgress[] = [];
    env.on('heartbeat', (d: ChunkProgress) => beats.push(d));
    const result = (await env.run(
      createAnalyseLogChunk(deps(), { progressEveryMs: 0 }),
      input,
    )) as LogAggregate;
    return { result, beats };
  }

  it('heartbeats its position and the aggregate so far, in both files', async () => {
    const { result, beats } = await runFully();
    expect(beats.length).toBeGreaterThan(4);
    expect(new Set(beats.map((b) => b.segment))).toEqual(new Set([0, 1, 2]));
    const positions = beats.filter((b) => b.segment === 0).map((b) => b.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(result.inWindow).toBe(80_400);
    expect(result.operations).toBe(400);
  });

  it.each([0.25, 0.5, 0.8])(
    'a retry from a heartbeat at %d of the way gives exactly the same aggregate',
    async (fraction) => {
      const { result: whole, beats } = await runFully();
      const from = beats[Math.floor(beats.length * fraction)];
      const { result: resumed } = await runFully(from);
      expect(resumed).toEqual(whole);
    },
  );

  it('continues from the heartbeat position instead of starting over', async () => {
    const { result: whole, beats } = await runFully();
    const mid = beats.find((b) => b.segment === 0 && b.position > 0)!;
    // The same position with an empty aggregate: only the lines after it are counted.
    const empty = { ...mid, aggregate: { ...mid.aggregate, lines: 0, inWindow: 0 } };
    const { result } = await runFully(empty);
    expect(result.inWindow).toBe(whole.inWindow - mid.aggregate.inWindow);
  });

  it('stops when cancelled, and a retry from the last heartbeat finishes the job', async () => {
    const { result: whole } = await runFully();
    const env = new MockActivityEnvironment();
    const beats: ChunkProgress[] = [];
    env.on('heartbeat', (d: ChunkProgress) => {
      beats.push(d);
      if (beats.length === 3) env.cancel();
    });
    await expect(env.run(createAnalyseLogChunk(deps(), { progressEveryMs: 0 }), input)).rejects.toThrow(
      /cancel/i,
    );
    const { result } = await runFully(beats[beats.length - 1]);
    expect(result).toEqual(whole);
  });

  it('ignores heartbeat details of another chunk', async () => {
    const { result: whole, beats } = await runFully();
    const foreign = { ...beats[2], chunkIndex: 7 };
    expect((await runFully(foreign)).result).toEqual(whole);
  });
});
