import { CopyCounts } from '../../../src/domain/log-analysis/copy-counts';

/** A deterministic stream of 32-bit values. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s;
  };
}

describe('copy counts per 53-bit key', () => {
  it('agree with two Maps over many keys and files, through growth, probing and clearing', () => {
    const next = lcg(7);
    const table = new CopyCounts();
    const keys: Array<[number, number]> = [];
    for (let i = 0; i < 20_000; i++) keys.push([next() >>> 11, next()]);
    // Same low bits, different high bits; and the other way round: the pair is the key.
    for (let i = 0; i < 500; i++) keys.push([i, 12345], [77, i]);
    for (let round = 0; round < 3; round++) {
      const most = new Map<string, number>();
      let disagreements = 0;
      for (let file = 0; file < 4; file++) {
        table.nextFile();
        const inFile = new Map<string, number>();
        for (let i = 0; i < 20_000; i++) {
          const [high, low] = keys[next() % keys.length];
          const id = `${high}:${low >>> 0}`;
          let slot = table.find(high, low);
          if (table.mostAt(slot) !== (most.get(id) ?? 0)) disagreements++;
          if (table.mostAt(slot) === 0) slot = table.add(slot, high, low, 1);
          const count = (inFile.get(id) ?? 0) + 1;
          inFile.set(id, count);
          if (table.countInFile(slot) !== count) disagreements++;
          const highest = Math.max(most.get(id) ?? 0, count);
          most.set(id, highest);
          table.setMost(slot, highest);
        }
      }
      for (const [high, low] of keys)
        if (table.mostAt(table.find(high, low)) !== (most.get(`${high}:${low >>> 0}`) ?? 0)) disagreements++;
      expect(disagreements).toBe(0);
      expect(table.size).toBe(most.size);
      table.clear();
      expect(table.size).toBe(0);
      expect(table.mostAt(table.find(keys[0][0], keys[0][1]))).toBe(0);
    }
  });

  it('tells keys apart that differ only in the sign bit of the low half', () => {
    const table = new CopyCounts();
    table.add(table.find(1, 0x7fffffff), 1, 0x7fffffff, 1);
    table.add(table.find(1, 0xffffffff), 1, 0xffffffff, 2);
    table.setMost(table.find(1, -1), 3); // the same 32 bits as 0xffffffff
    expect(table.mostAt(table.find(1, 0x7fffffff))).toBe(1);
    expect(table.mostAt(table.find(1, 0xffffffff))).toBe(3);
    expect(table.size).toBe(2);
  });

  it('starts every file at a count of 0', () => {
    const table = new CopyCounts();
    const slot = table.add(table.find(5, 6), 5, 6, 1);
    expect(table.countInFile(slot)).toBe(1);
    expect(table.countInFile(slot)).toBe(2);
    table.nextFile();
    expect(table.countInFile(slot)).toBe(1);
  });
});
