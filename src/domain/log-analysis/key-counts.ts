/**
 * A counter per 53-bit key (a hash given as its high 21 and low 32 bits) in typed arrays with
 * open addressing. A Map keyed by such numbers boxes every key as a heap number, costs about
 * 100 bytes an entry and a cache miss or two per lookup: on a day of text logs the copy check
 * spent more time in the Map than in parsing. Here a slot is 12 bytes in three flat arrays, at
 * most half of them in use.
 *
 * Holds at most `capacity` keys (the caller stops adding at its own limit); the table grows by
 * doubling, so a small analysis stays small.
 */

const INITIAL_SLOTS = 1024;

export class KeyCounts {
  private highs: Int32Array;
  private lows: Int32Array;
  /** 0 marks an empty slot: a key that is held has been counted at least once. */
  private counts: Int32Array;
  private mask: number;
  private held = 0;

  constructor(private readonly capacity: number) {
    this.highs = new Int32Array(INITIAL_SLOTS);
    this.lows = new Int32Array(INITIAL_SLOTS);
    this.counts = new Int32Array(INITIAL_SLOTS);
    this.mask = INITIAL_SLOTS - 1;
  }

  /** Keys held. */
  get size(): number {
    return this.held;
  }

  /** The count of the key, 0 when it is not held. */
  get(high: number, low: number): number {
    const slot = this.slotOf(high | 0, low | 0);
    return this.counts[slot];
  }

  /** Sets the count (> 0) of the key, adding it when it is not held. */
  set(high: number, low: number, count: number): void {
    const h = high | 0;
    const l = low | 0;
    let slot = this.slotOf(h, l);
    if (this.counts[slot] === 0) {
      if (this.held >= this.capacity) throw new RangeError('KeyCounts is full');
      if ((this.held + 1) * 2 > this.counts.length) {
        this.grow();
        slot = this.slotOf(h, l);
      }
      this.highs[slot] = h;
      this.lows[slot] = l;
      this.held++;
    }
    this.counts[slot] = count;
  }

  /** Forgets every key (keeps the table's size: the next file is likely as big). */
  clear(): void {
    if (this.held === 0) return;
    this.counts.fill(0);
    this.held = 0;
  }

  /** The slot holding the key, or the empty slot where it would go (linear probing). */
  private slotOf(high: number, low: number): number {
    const mask = this.mask;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    for (;;) {
      if (this.counts[slot] === 0) return slot;
      if (this.lows[slot] === low && this.highs[slot] === high) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { highs, lows, counts } = this;
    const slots = counts.length * 2;
    this.highs = new Int32Array(slots);
    this.lows = new Int32Array(slots);
    this.counts = new Int32Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) continue;
      const slot = this.slotOf(highs[i], lows[i]);
      this.highs[slot] = highs[i];
      this.lows[slot] = lows[i];
      this.counts[slot] = counts[i];
    }
  }
}
