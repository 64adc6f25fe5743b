import {
  activeCooldown,
  activeCooldowns,
  COOLDOWN_MS,
  cooldownKey,
  exceedsFrequencyLimit,
  pruneResponses,
  RESPONSE_ACTIONS,
  type RecentResponse,
  startCooldown,
} from '../../../src/domain/policy';

const MIN = 60_000;
const T0 = Date.parse('2024-05-06T10:00:00Z');

describe('cooldowns (keyed event_type:action)', () => {
  it.each([
    ['RETRAIN', 60],
    ['ROLLBACK', 30],
    ['SCALE_UP', 10],
    ['SCALE_DOWN', 10],
    ['ALERT', 5],
    ['MONITOR', 2],
  ] as const)('%s is silent for %i minutes', (action, minutes) => {
    expect(COOLDOWN_MS[action]).toBe(minutes * MIN);
  });

  it('ends exactly at its length: active one millisecond before, over at the boundary (every action, many offsets)', () => {
    const problems: string[] = [];
    for (const action of RESPONSE_ACTIONS) {
      const key = cooldownKey('system_overload', action);
      for (const start of [T0, T0 + 1, T0 + 59_999]) {
        const cooldowns = { [key]: startCooldown('system_overload', action, start, 'e1') };
        for (let offset = -MIN; offset <= COOLDOWN_MS[action] + 2 * MIN; offset += 997) {
          const active = activeCooldown(cooldowns, key, start + offset) !== undefined;
          if (active !== offset < COOLDOWN_MS[action]) problems.push(`${action} start+${offset}`);
        }
        if (!activeCooldown(cooldowns, key, start + COOLDOWN_MS[action] - 1))
          problems.push(`${action} boundary-1`);
        if (activeCooldown(cooldowns, key, start + COOLDOWN_MS[action])) problems.push(`${action} boundary`);
        if (!activeCooldown(cooldowns, key, start + COOLDOWN_MS[action] - MIN))
          problems.push(`${action} minute before`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keys by event type and action, so others are not silenced', () => {
    const cooldowns = { [cooldownKey('a', 'ALERT')]: startCooldown('a', 'ALERT', T0, 'e1') };
    expect(activeCooldown(cooldowns, cooldownKey('a', 'ALERT'), T0 + MIN)).toBeDefined();
    expect(activeCooldown(cooldowns, cooldownKey('a', 'MONITOR'), T0 + MIN)).toBeUndefined();
    expect(activeCooldown(cooldowns, cooldownKey('b', 'ALERT'), T0 + MIN)).toBeUndefined();
  });

  it('prunes expired cooldowns only', () => {
    const cooldowns = {
      'a:ALERT': startCooldown('a', 'ALERT', T0, 'e1'),
      'a:RETRAIN': startCooldown('a', 'RETRAIN', T0, 'e2'),
    };
    expect(Object.keys(activeCooldowns(cooldowns, T0 + 5 * MIN))).toEqual(['a:RETRAIN']);
  });
});

describe('frequency limit (more than 3 responses at or after now − 1 h)', () => {
  const response = (at: number, eventType = 'system_overload'): RecentResponse => ({
    eventType,
    action: 'SCALE_UP',
    at,
    eventId: `e${at}`,
  });

  it('trips on the fourth response in the window, not the third', () => {
    const three = [T0, T0 + MIN, T0 + 2 * MIN].map((t) => response(t));
    expect(exceedsFrequencyLimit(three, 'system_overload', T0 + 3 * MIN)).toBe(false);
    expect(exceedsFrequencyLimit([...three, response(T0 + 3 * MIN)], 'system_overload', T0 + 4 * MIN)).toBe(
      true,
    );
  });

  it('counts a response exactly one hour old, not one a millisecond older', () => {
    const responses = [T0, T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN].map((t) => response(t));
    expect(exceedsFrequencyLimit(responses, 'system_overload', T0 + 60 * MIN)).toBe(true);
    expect(exceedsFrequencyLimit(responses, 'system_overload', T0 + 60 * MIN + 1)).toBe(false);
  });

  it('counts the same event type only', () => {
    const responses = [T0, T0 + 1, T0 + 2, T0 + 3].map((t) => response(t, 'prediction_latency_high'));
    expect(exceedsFrequencyLimit(responses, 'system_overload', T0 + MIN)).toBe(false);
    expect(exceedsFrequencyLimit(responses, 'prediction_latency_high', T0 + MIN)).toBe(true);
  });

  it('prunes responses that can no longer count', () => {
    const responses = [response(T0 - 61 * MIN), response(T0 - 60 * MIN), response(T0)];
    expect(pruneResponses(responses, T0).map((r) => r.at)).toEqual([T0 - 60 * MIN, T0]);
  });
});
