import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readSegmentLines, SegmentEvent } from '../../../src/activities/report/line-blocks';
import type { LogSegment } from '../../../src/domain/log-analysis';

async function collect(
  segment: LogSegment,
  position: number,
  maxLineBytes = 1 << 20,
): Promise<SegmentEvent[]> {
  const events: SegmentEvent[] = [];
  for await (const e of readSegmentLines(segment, position, maxLineBytes)) events.push(e);
  return events;
}

/** The lines of the events, each with the byte position it starts at. */
function linesOf(events: SegmentEvent[]): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const e of events) {
    if (e.kind !== 'lines') continue;
    let pos = e.start;
    const parts = e.text.split('\n');
    if (e.text.endsWith('\n')) parts.pop();
    for (const p of parts) {
      out.push([pos, p]);
      pos += Buffer.byteLength(p) + 1;
    }
  }
  return out;
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('reading a segment as line blocks', () => {
  let tmp: string;
  let file: string;
  let expected: Array<[number, string]>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'line-blocks-'));
    file = path.join(tmp, 'mixed.log');
    const rnd = random(11);
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const kind = i % 7;
      if (kind === 0) lines.push('');
      else if (kind === 1) lines.push(`[2024-03-10 10:00:00] INFO ünïcødé ✓ | line ${i}\r`);
      else lines.push(`line ${i} ${'x'.repeat(Math.floor(rnd() * 300))}`);
    }
    // The last line has no line break.
    fs.writeFileSync(file, lines.join('\n'));
    expected = [];
    let pos = 0;
    for (const l of lines) {
      expected.push([pos, l]);
      pos += Buffer.byteLength(l) + 1;
    }
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads a whole file line by line with byte positions, the unterminated last line included', async () => {
    const size = fs.statSync(file).size;
    expect(linesOf(await collect({ path: file, compressed: false, start: 0, end: size }, 0))).toEqual(
      expected,
    );
  });

  it.each([1, 2, 3, 4, 5])(
    'byte ranges cut at random places own every line exactly once (seed %d)',
    async (seed) => {
      const size = fs.statSync(file).size;
      const rnd = random(seed);
      // Half the cuts anywhere, half exactly at a line start or just after a line break.
      const anywhere = Array.from({ length: 6 }, () => Math.floor(rnd() * size));
      const atLines = Array.from({ length: 6 }, () => expected[Math.floor(rnd() * expected.length)][0]);
      const cuts = [0, ...[...anywhere, ...atLines].sort((a, b) => a - b), size];
      const got: Array<[number, string]> = [];
      for (let i = 1; i < cuts.length; i++) {
        got.push(
          ...linesOf(
            await collect({ path: file, compressed: false, start: cuts[i - 1], end: cuts[i] }, cuts[i - 1]),
          ),
        );
      }
      expect(got).toEqual(expected);
    },
  );

  it('a range that starts exactly at a line start keeps that line; one byte later skips it', async () => {
    const [start, text] = expected[10];
    const size = fs.statSync(file).size;
    expect(linesOf(await collect({ path: file, compressed: false, start, end: size }, start))[0]).toEqual([
      start,
      text,
    ]);
    expect(
      linesOf(await collect({ path: file, compressed: false, start: start + 1, end: size }, start + 1))[0],
    ).toEqual(expected[11]);
  });

  it('resumes from a position inside the range', async () => {
    const size = fs.statSync(file).size;
    const [position] = expected[20_000];
    expect(linesOf(await collect({ path: file, compressed: false, start: 0, end: size }, position))).toEqual(
      expected.slice(20_000),
    );
  });

  it('reads gzip files through zlib, and resumes at a decompressed position', async () => {
    const gz = path.join(tmp, 'mixed.log.1.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(file)));
    const segment = { path: gz, compressed: true, start: 0, end: fs.statSync(gz).size };
    expect(linesOf(await collect(segment, 0))).toEqual(expected);
    const [position] = expected[30_000];
    expect(linesOf(await collect(segment, position))).toEqual(expected.slice(30_000));
  });

  it('skips a line longer than the limit instead of holding it, and goes on after it', async () => {
    const long = path.join(tmp, 'long.log');
    const huge = 'y'.repeat(3 << 20); // 3 MiB without a line break
    fs.writeFileSync(long, `first\n${huge}\nafter\n`);
    const events = await collect(
      { path: long, compressed: false, start: 0, end: fs.statSync(long).size },
      0,
      64 * 1024,
    );
    expect(events.filter((e) => e.kind === 'long-line')).toEqual([{ kind: 'long-line', start: 6 }]);
    expect(linesOf(events).map(([, l]) => l)).toEqual(['first', 'after']);
  });

  it('keeps lines that span several reads whole, up to the limit, multi-byte characters included', async () => {
    const limit = 100 * 1024;
    const wide = (n: number, c: string) => c.repeat(n);
    // 3-byte characters, so reads end inside them; lengths around the limit in bytes.
    const lines = [
      'short',
      wide(33_000, '✓'), // 99,000 bytes: kept
      wide(70_000, '✓'), // 210,000 bytes: more than the limit is left over after a read
      `${wide(34_000, 'é')}\r`, // 68,001 bytes: kept, CR and all
      wide(limit - 1, 'z'), // kept
      'after',
    ];
    const spanning = path.join(tmp, 'spanning.log');
    fs.writeFileSync(spanning, `${lines.join('\n')}\n`);
    const size = fs.statSync(spanning).size;
    for (const segment of [
      { path: spanning, compressed: false, start: 0, end: size },
      (() => {
        const gz = `${spanning}.gz`;
        fs.writeFileSync(gz, gzipSync(fs.readFileSync(spanning)));
        return { path: gz, compressed: true, start: 0, end: fs.statSync(gz).size };
      })(),
    ]) {
      const events = await collect(segment, 0, limit);
      expect(events.filter((e) => e.kind === 'long-line')).toHaveLength(1);
      expect(linesOf(events).map(([, l]) => l)).toEqual([lines[0], lines[1], lines[3], lines[4], lines[5]]);
    }
  });

  it('fails with the file error when the file cannot be opened', async () => {
    await expect(
      collect({ path: path.join(tmp, 'missing.log'), compressed: false, start: 0, end: 10 }, 0),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(
      collect({ path: path.join(tmp, 'missing.log.gz'), compressed: true, start: 0, end: 10 }, 0),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
