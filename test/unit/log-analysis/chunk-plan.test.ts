import { planChunks } from '../../../src/domain/log-analysis/chunk-plan';

const MB = 1024 * 1024;

describe('planChunks', () => {
  it('splits plain files at byte ranges that tile each file exactly', () => {
    const chunks = planChunks(
      [
        { path: 'a.log', bytes: 250 * MB, compressed: false },
        { path: 'b.log', bytes: 10 * MB, compressed: false },
      ],
      { chunkBytes: 100 * MB, maxChunks: 64 },
    );
    expect(chunks.map((c) => c.segments.map((s) => [s.path, s.start / MB, s.end / MB]))).toEqual([
      [['a.log', 0, 100]],
      [['a.log', 100, 200]],
      [
        ['a.log', 200, 250],
        ['b.log', 0, 10],
      ],
    ]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('keeps .gz files whole and weighs them by their expansion', () => {
    const chunks = planChunks(
      [
        { path: 'a.log.1.gz', bytes: 20 * MB, compressed: true },
        { path: 'b.log.2.gz', bytes: 20 * MB, compressed: true },
        { path: 'c.log', bytes: 1 * MB, compressed: false },
      ],
      { chunkBytes: 100 * MB, maxChunks: 64 },
    );
    expect(chunks.map((c) => c.segments.map((s) => s.path))).toEqual([
      ['a.log.1.gz'],
      ['b.log.2.gz'],
      ['c.log'],
    ]);
    expect(chunks[0].weight).toBe(120 * MB);
  });

  it('grows chunks rather than exceed the chunk limit', () => {
    const chunks = planChunks([{ path: 'huge.log', bytes: 10_000 * MB, compressed: false }], {
      chunkBytes: 1 * MB,
      maxChunks: 64,
    });
    expect(chunks.length).toBeLessThanOrEqual(64);
    expect(chunks[chunks.length - 1].segments[0].end).toBe(10_000 * MB);
  });

  it('skips empty files and plans nothing for no files', () => {
    expect(
      planChunks([{ path: 'empty.log', bytes: 0, compressed: false }], { chunkBytes: MB, maxChunks: 64 }),
    ).toEqual([]);
    expect(planChunks([], { chunkBytes: MB, maxChunks: 64 })).toEqual([]);
  });
});
