import { GuardianCap } from '../../src/bridge/guardian-cap';

/** The cap's count: Temporal's answer, reused for a while, plus the guardians this bridge started since. */
describe('GuardianCap', () => {
  function counter(values: number[]) {
    const calls: number[] = [];
    return {
      calls,
      count: async () => {
        calls.push(Date.now());
        return values[Math.min(calls.length - 1, values.length - 1)];
      },
    };
  }

  it('refuses once the running guardians reach the cap, counting its own starts until the next count', async () => {
    const c = counter([1]);
    const cap = new GuardianCap(3, c.count, 60_000);
    expect(await cap.allowsAnother()).toBe(true);
    cap.started();
    expect(await cap.allowsAnother()).toBe(true);
    cap.started();
    expect(await cap.running()).toBe(3);
    expect(await cap.allowsAnother()).toBe(false);
    expect(c.calls).toHaveLength(1);
  });

  it('asks Temporal again once the count is older than its age, so ended guardians free their place', async () => {
    const c = counter([5, 2]);
    const cap = new GuardianCap(5, c.count, 0);
    expect(await cap.allowsAnother()).toBe(false);
    expect(await cap.allowsAnother()).toBe(true);
    expect(c.calls).toHaveLength(2);
  });

  it('asks once for a burst of new models', async () => {
    const c = counter([0]);
    const cap = new GuardianCap(10, c.count, 60_000);
    expect(await Promise.all([cap.running(), cap.running(), cap.running()])).toEqual([0, 0, 0]);
    expect(c.calls).toHaveLength(1);
  });

  it('passes a failed count on (the delivery is retried later, never started past the cap)', async () => {
    const cap = new GuardianCap(10, () => Promise.reject(new Error('visibility unavailable')));
    await expect(cap.allowsAnother()).rejects.toThrow('visibility unavailable');
  });
});
