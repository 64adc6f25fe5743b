import { CappedBackoff } from '../../src/bridge/capped-backoff';

describe('CappedBackoff', () => {
  it('doubles from the initial delay up to the cap (no jitter at random()=0.5)', () => {
    const backoff = new CappedBackoff(500, 30_000, () => 0.5);
    const delays = Array.from({ length: 10 }, () => backoff.nextDelayMs(0));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(backoff.attempts).toBe(10);
  });

  it('jitters within ±20 % and never exceeds the cap', () => {
    const low = new CappedBackoff(1000, 5000, () => 0);
    const high = new CappedBackoff(1000, 5000, () => 0.999999);
    expect(low.nextDelayMs()).toBe(800);
    expect(high.nextDelayMs()).toBe(1200);
    for (let i = 0; i < 10; i++) expect(high.nextDelayMs()).toBeLessThanOrEqual(5000);
  });

  it('starts over after a success and reports how long it has been failing', () => {
    const backoff = new CappedBackoff(100, 1000, () => 0.5);
    backoff.nextDelayMs(1_000);
    backoff.nextDelayMs(1_500);
    expect(backoff.failingForMs(4_000)).toBe(3_000);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.failingForMs(9_000)).toBe(0);
    expect(backoff.nextDelayMs(10_000)).toBe(100);
  });

  it('stays finite after very many failures', () => {
    const backoff = new CappedBackoff(1, 60_000, () => 0.5);
    for (let i = 0; i < 2000; i++) backoff.nextDelayMs();
    expect(backoff.nextDelayMs()).toBe(60_000);
  });
});
