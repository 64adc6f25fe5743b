import {
  DEFAULT_GUARDIAN_SETTINGS,
  emptyPolicyState,
  evaluateEvent,
  FREQUENCY_LIMIT,
  LEGACY_POLICY_STATE_LIMITS,
  type ModelPolicyState,
  OTHER_EVENT_TYPES,
  POLICY_STATE_LIMITS,
  rememberEvent,
} from '../../../src/domain/policy';
import { eventOfType, systemEvent } from './model-events';

const NOON = Date.parse('2024-05-06T12:00:00Z');
const MIN = 60_000;
const fresh = (): ModelPolicyState => ({ policy: emptyPolicyState(), seenEventIds: [] });

/** Feeds `types` one event each, 100 ms apart (all inside one ALERT cooldown), and returns the final state and decisions. */
function feed(types: string[], limits = POLICY_STATE_LIMITS, start = fresh()) {
  let state = start;
  const decisions = [];
  for (const [i, type] of types.entries()) {
    const r = evaluateEvent(
      state,
      eventOfType(type, 'MEDIUM'),
      NOON + i * 100,
      DEFAULT_GUARDIAN_SETTINGS,
      limits,
    );
    state = r.state;
    if (!r.evaluation.duplicate) decisions.push(r.evaluation.decision);
  }
  return { state, decisions };
}

describe('bounded policy state', () => {
  const made = Array.from({ length: 500 }, (_, i) => `made_up_type_${i}`);

  it('keeps cooldowns for at most 32 made-up event types; the rest share one key, which still cools down', () => {
    const { state, decisions } = feed(made);
    const types = new Set(Object.values(state.policy.cooldowns).map((c) => c.eventType));
    expect(types.size).toBe(POLICY_STATE_LIMITS.eventTypeKeys + 1);
    expect(types.has(OTHER_EVENT_TYPES)).toBe(true);
    // The 33rd new type is the first to share the key; its ALERT starts the shared cooldown...
    expect(decisions[32]).toMatchObject({ executed: true, cooldownKey: `${OTHER_EVENT_TYPES}:ALERT` });
    expect(decisions[32].reason).toContain(
      `shares the cooldowns and frequency limit of ${OTHER_EVENT_TYPES}`,
    );
    // ...and every later made-up type lands in it: rotating names does not dodge the guard.
    expect(decisions.slice(33).every((d) => !d.executed && d.changedBy.includes('cooldown'))).toBe(true);
    // The table's own event types keep their own keys however many made-up ones came first.
    const overload = evaluateEvent(
      state,
      systemEvent('system_overload'),
      NOON + 600_000,
      DEFAULT_GUARDIAN_SETTINGS,
    );
    expect(overload.evaluation).toMatchObject({
      decision: { cooldownKey: 'system_overload:SCALE_UP', executed: true },
    });
  });

  it('frees a slot once a made-up type has no cooldown running and no response counting', () => {
    const { state } = feed(made.slice(0, 32));
    const later = evaluateEvent(
      state,
      eventOfType('brand_new', 'MEDIUM'),
      NOON + 61 * MIN,
      DEFAULT_GUARDIAN_SETTINGS,
    );
    expect(later.evaluation).toMatchObject({ decision: { cooldownKey: 'brand_new:ALERT' } });
  });

  it('without the bounds (runs begun before them), every event type keeps its own key', () => {
    const { state } = feed(made.slice(0, 100), LEGACY_POLICY_STATE_LIMITS);
    expect(Object.keys(state.policy.cooldowns)).toHaveLength(100);
  });

  it('keeps enough responses per event type for the frequency limit, and no more', () => {
    expect(POLICY_STATE_LIMITS.responsesPerEventType).toBeGreaterThan(FREQUENCY_LIMIT.maxResponses);
    // One ALERT every 6 minutes (past the 5-minute cooldown) for an hour: 10 kept, and limited.
    let state = fresh();
    const actions = [];
    for (let i = 0; i < 20; i++) {
      const r = evaluateEvent(
        state,
        eventOfType('made_up', 'MEDIUM'),
        NOON + i * 6 * MIN,
        DEFAULT_GUARDIAN_SETTINGS,
      );
      state = r.state;
      if (!r.evaluation.duplicate) actions.push(r.evaluation.decision.action);
    }
    expect(state.policy.recentResponses.length).toBeLessThanOrEqual(
      POLICY_STATE_LIMITS.responsesPerEventType,
    );
    expect(actions.slice(0, 4)).toEqual(['ALERT', 'ALERT', 'ALERT', 'ALERT']);
    expect(actions.slice(4).every((a) => a === 'MONITOR')).toBe(true);
  });

  it('remembers at most 2,000 ids and 128 KiB of them', () => {
    let ids: string[] = [];
    for (let i = 0; i < 3000; i++) ids = rememberEvent(ids, `e${i}`, 2000, 128 * 1024);
    expect(ids).toHaveLength(2000);
    ids = [];
    for (let i = 0; i < 3000; i++) ids = rememberEvent(ids, `${i}`.padEnd(256, 'x'), 2000, 128 * 1024);
    expect(ids).toHaveLength(512);
    expect(ids.join('').length).toBeLessThanOrEqual(128 * 1024);
    expect(ids[ids.length - 1].startsWith('2999')).toBe(true);
  });
});
