/**
 * The counts the copy check (record-copies.ts) keeps per 53-bit key (a hash given as its high
 * 21 and low 32 bits): the most lines with the key any one file held, and the lines with it in
 * the file being read. Both live in one slot of flat typed arrays with open addressing, so a
 * line costs one probe, not one per count; a Map keyed by such numbers would box every key and
 * cost about 100 bytes an entry. A slot is 20 bytes, at most half of them in use.
 *
 * The per-file counts are forgotten in O(1) when the next file starts: a slot's count belongs to
 * the file whose number it is stamped with. The table grows by doubling, so a small analysis
 * stays small; the caller stops adding keys at its own limit.
 */

const INITIAL_SLOTS = 1024;

export class CopyCounts {
  private highs = new Int32Array(INITIAL_SLOTS);
  private lows = new Int32Array(INITIAL_SLOTS);
  /** 0 marks an empty slot: a key that is held was in some file at least once. */
  private most = new Int32Array(INITIAL_SLOTS);
  private inFile = new Int32Array(INITIAL_SLOTS);
  /** Which file `inFile` counted; other numbers mean 0 in the file being read. */
  private fileOf = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private held = 0;
  private file = 1;

  /** Keys held. */
  get size(): number {
    return this.held;
  }

  /** The slot holding the key, or the empty slot where it would go (linear probing). */
  find(high: number, low: number): number {
    const h = high | 0;
    const l = low | 0;
    const mask = this.mask;
    let slot = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    for (;;) {
      if (this.most[slot] === 0) return slot;
      if (this.lows[slot] === l && this.highs[slot] === h) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** The most lines with the key of `slot` one file held; 0 when the key is not held. */
  mostAt(slot: number): number {
    return this.most[slot];
  }

  /**
   * Holds the key in the empty `slot` (from find) with a most of `count` (> 0) and a count of 0
   * in the file being read; returns the key's slot, which differs from `slot` when the table grew.
   */
  add(slot: number, high: number, low: number, count: number): number {
    let at = slot;
    if ((this.held + 1) * 2 > this.most.length) {
      this.grow();
      at = this.find(high, low);
    }
    this.highs[at] = high | 0;
    this.lows[at] = low | 0;
    this.most[at] = count;
    this.fileOf[at] = 0;
    this.held++;
    return at;
  }

  /** Counts one more line with the key of `slot` (held) in the file being read; returns that count. */
  countInFile(slot: number): number {
    const count = this.fileOf[slot] === this.file ? this.inFile[slot] + 1 : 1;
    this.inFile[slot] = count;
    this.fileOf[slot] = this.file;
    return count;
  }

  /** Sets the most (> 0) of the key of `slot` (held). */
  setMost(slot: number, count: number): void {
    this.most[slot] = count;
  }

  /** The next file starts: every count in the file read so far is 0 again. */
  nextFile(): void {
    this.file++;
    if (this.file === 0x7fffffff) {
      this.fileOf.fill(0);
      this.file = 1;
    }
  }

  /** Forgets every key (keeps the table's size: the next analysis is likely as big). */
  clear(): void {
    this.most.fill(0);
    this.fileOf.fill(0);
    this.file = 1;
    this.held = 0;
  }

  private grow(): void {
    const { highs, lows, most, inFile, fileOf } = this;
    const slots = most.length * 2;
    this.highs = new Int32Array(slots);
    this.lows = new Int32Array(slots);
    this.most = new Int32Array(slots);
    this.inFile = new Int32Array(slots);
    this.fileOf = new Int32Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < most.length; i++) {
      if (most[i] === 0) continue;
      const slot = this.find(highs[i], lows[i]);
      this.highs[slot] = highs[i];
      this.lows[slot] = lows[i];
      this.most[slot] = most[i];
      this.inFile[slot] = inFile[i];
      this.fileOf[slot] = fileOf[i];
    }
  }
}
