import { KeyCounts } from '../../../src/domain/log-analysis/key-counts';

/** A deterministic stream of 32-bit values. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s;
  };
}

describe('counts per 53-bit key', () => {
  it('agrees with a Map over many keys, through growth, probing and clearing', () => {
    const next = lcg(7);
    const table = new KeyCounts(50_000);
    let model = new Map<string, number>();
    const keys: Array<[number, number]> = [];
    for (let i = 0; i < 20_000; i++) keys.push([next() >>> 11, next()]);
    // Same low bits, different high bits; and the other way round: the pair is the key.
    for (let i = 0; i < 500; i++) keys.push([i, 12345], [77, i]);
    for (let round = 0; round < 3; round++) {
      let disagreements = 0;
      for (let i = 0; i < 60_000; i++) {
        const [high, low] = keys[next() % keys.length];
        const id = `${high}:${low >>> 0}`;
        const count = (model.get(id) ?? 0) + 1;
        if (table.get(high, low) !== count - 1) disagreements++;
        table.set(high, low, count);
        model.set(id, count);
      }
      for (const [high, low] of keys)
        if (table.get(high, low) !== (model.get(`${high}:${low >>> 0}`) ?? 0)) disagreements++;
      expect(disagreements).toBe(0);
      expect(table.size).toBe(model.size);
      table.clear();
      model = new Map();
      expect(table.size).toBe(0);
      expect(table.get(keys[0][0], keys[0][1])).toBe(0);
    }
  });

  it('tells keys apart that differ only in the sign bit of the low half', () => {
    const table = new KeyCounts(10);
    table.set(1, 0x7fffffff, 1);
    table.set(1, 0xffffffff, 2);
    table.set(1, -1, 3); // the same 32 bits as 0xffffffff
    expect(table.get(1, 0x7fffffff)).toBe(1);
    expect(table.get(1, 0xffffffff)).toBe(3);
    expect(table.size).toBe(2);
  });

  it('refuses a key beyond its capacity instead of growing without bound', () => {
    const table = new KeyCounts(2);
    table.set(0, 1, 1);
    table.set(0, 2, 1);
    table.set(0, 2, 5); // an update is not a new key
    expect(() => table.set(0, 3, 1)).toThrow(RangeError);
    expect(table.size).toBe(2);
  });
});
