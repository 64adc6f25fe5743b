/**
 * Capped exponential backoff: initial, 2×, 4× … up to max, with ±20 % jitter so partitions
 * paused by the same outage do not all retry in the same millisecond.
 */
export class CappedBackoff {
  private failures = 0;
  private firstFailureAt: number | undefined;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Records one more failure and returns how long to wait before the next attempt. */
  nextDelayMs(now = Date.now()): number {
    this.firstFailureAt ??= now;
    const exponent = Math.min(this.failures, 30);
    this.failures++;
    const base = Math.min(this.maxMs, this.initialMs * 2 ** exponent);
    const jittered = base * (0.8 + 0.4 * this.random());
    return Math.round(Math.min(this.maxMs, jittered));
  }

  /** Consecutive failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** Milliseconds since the first failure of the current streak (0 if none). */
  failingForMs(now = Date.now()): number {
    return this.firstFailureAt === undefined ? 0 : now - this.firstFailureAt;
  }

  reset(): void {
    this.failures = 0;
    this.firstFailureAt = undefined;
  }
}
