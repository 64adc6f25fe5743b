import fs from 'node:fs';
import path from 'node:path';
import {
  LogAggregate,
  mergeAggregates,
  mergeAllAggregates,
} from '../../../src/domain/log-analysis/aggregate';
import { LogAnalyzer } from '../../../src/domain/log-analysis/log-analyzer';
import { reportWindow } from '../../../src/domain/log-analysis/report-window';
import { CORPUS_DIR, GZIP_SOURCE } from '../../fixtures/logs/corpus';

const window = reportWindow('2024-03-10', 'UTC');
const allLines = [
  ...fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f !== 'notes.md')
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8').split('\n')),
  ...fs.readFileSync(GZIP_SOURCE, 'utf8').split('\n'),
];

function analyse(lines: string[]): LogAggregate {
  const analyzer = new LogAnalyzer({
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    analysedAtMs: Date.parse('2030-01-01'),
    textTimeZone: 'UTC',
  });
  for (const l of lines) analyzer.addLine(l, 'corpus');
  return analyzer.snapshot();
}

/** A deterministic pseudo-random sequence, so a failure can be reproduced. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('merging aggregates', () => {
  const whole = analyse(allLines);

  it.each([1, 2, 3, 7, 42])('chunks cut at random places merge into the whole (seed %d)', (seed) => {
    const rnd = random(seed);
    const cuts = [
      0,
      ...Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * allLines.length)).sort(
        (a, b) => a - b,
      ),
      allLines.length,
    ];
    const parts = cuts.slice(1).map((end, i) => analyse(allLines.slice(cuts[i], end)));
    expect(mergeAllAggregates(window.startMs, window.endMs, parts)).toEqual(whole);
  });

  it('an empty aggregate is neutral', () => {
    expect(mergeAllAggregates(window.startMs, window.endMs, [whole])).toEqual(whole);
  });

  it('refuses to merge aggregates of different windows', () => {
    const other = reportWindow('2024-03-11', 'UTC');
    const foreign = new LogAnalyzer({
      windowStartMs: other.startMs,
      windowEndMs: other.endMs,
      analysedAtMs: 0,
      textTimeZone: 'UTC',
    }).snapshot();
    expect(() => mergeAggregates(whole, foreign)).toThrow(/different report windows/);
  });

  it('keeps the message list bounded and counts what it let go', () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        level: 50,
        time: window.startMs,
        msg: `failure kind ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
      }),
    );
    const agg = analyse(lines);
    expect(agg.messages).toHaveLength(200);
    expect(agg.messagesNotKept).toBe(100);
    const merged = mergeAggregates(agg, agg);
    expect(merged.messages).toHaveLength(200);
    expect(merged.messages[0].count).toBe(2);
    expect(merged.messagesNotKept).toBe(200); // the 100 + 100 let go before; both sides kept the same 200 groups
  });
});
