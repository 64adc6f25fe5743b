import type { DecisionEntry, GuardianCarriedState } from '../../src/contracts/guardian-messages';
import { jsonBytes } from '../../src/domain/json-bytes';
import { CARRY_BUDGET, fitCarriedState } from '../../src/workflows/guardian/carry-budget';
import { EventQueue } from '../../src/workflows/guardian/event-queue';
import { GUARDIAN_HISTORY_LIMIT } from '../../src/workflows/guardian/history';
import { initialGuardianState } from '../../src/workflows/guardian/initial-state';

/** What a guardian run hands to the next, without Temporal: the budget and the event queue. */
const NOW = Date.parse('2026-03-02T10:00:00Z');

function stateWith(fields: Partial<GuardianCarriedState>): GuardianCarriedState {
  return { ...initialGuardianState({ modelName: 'fraud' }, NOW), ...fields };
}

function entry(i: number, reasonChars: number): DecisionEntry {
  return {
    id: `e${i}`,
    origin: 'event',
    eventType: 'system_overload',
    severity: 'MEDIUM',
    action: 'SCALE_UP',
    executed: true,
    status: 'succeeded',
    reason: `reason ${i} `.padEnd(reasonChars, 'r'),
    result: 'x'.repeat(reasonChars),
    decidedAt: new Date(NOW + i).toISOString(),
    input: { extras: { blob: 'b'.repeat(1000) } },
  };
}

describe('fitCarriedState', () => {
  it('carries a normal state whole', () => {
    const history = Array.from({ length: GUARDIAN_HISTORY_LIMIT }, (_, i) => entry(i, 300));
    const fit = fitCarriedState(stateWith({ history }));
    expect(fit.droppedDecisions).toBe(0);
    expect(fit.carried.history.map((e) => e.id)).toEqual(history.map((e) => e.id));
    expect(fit.bytes).toBe(jsonBytes(fit.carried));
  });

  it('clips long decision texts and keeps the newest decisions that fit the budget', () => {
    const history = Array.from({ length: GUARDIAN_HISTORY_LIMIT }, (_, i) => entry(i, 30_000));
    const state = stateWith({ history });
    expect(jsonBytes(state)).toBeGreaterThan(20 * CARRY_BUDGET.totalBytes);
    const fit = fitCarriedState(state);
    expect(jsonBytes({ modelName: 'fraud', carried: fit.carried })).toBeLessThan(CARRY_BUDGET.totalBytes);
    expect(fit.droppedDecisions).toBeGreaterThan(0);
    expect(fit.carried.history.length + fit.droppedDecisions).toBe(GUARDIAN_HISTORY_LIMIT);
    // The newest ones, in order, with texts clipped and nothing meant only for the audit row.
    expect(fit.carried.history[fit.carried.history.length - 1].id).toBe(`e${GUARDIAN_HISTORY_LIMIT - 1}`);
    for (const e of fit.carried.history) {
      expect(e.reason.length).toBeLessThanOrEqual(CARRY_BUDGET.decisionTextChars + 30);
      expect(e.result!.length).toBeLessThanOrEqual(CARRY_BUDGET.decisionTextChars + 30);
      expect(e.input).toBeUndefined();
    }
    // The state the run keeps is not changed: only what it carries.
    expect(state.history[0].reason.length).toBe(30_000);
  });

  it('gives queued events precedence over old decisions', () => {
    const queuedEvents = Array.from({ length: 5 }, (_, i) => ({
      event_id: `q${i}`,
      pad: 'p'.repeat(50_000),
    }));
    const history = Array.from({ length: GUARDIAN_HISTORY_LIMIT }, (_, i) => entry(i, 1_500));
    const fit = fitCarriedState(stateWith({ history, queuedEvents }));
    expect(fit.carried.queuedEvents).toEqual(queuedEvents);
    expect(jsonBytes(fit.carried)).toBeLessThan(CARRY_BUDGET.totalBytes);
  });
});

describe('EventQueue', () => {
  const event = (i: number, bytes: number) => ({ event_id: `e${i}`, pad: 'p'.repeat(bytes) });

  it('counts queued bytes and says when they are over what a run may carry', () => {
    const refused: string[] = [];
    const state = stateWith({});
    const queue = new EventQueue(state, true, (reason) => refused.push(reason));
    for (let i = 0; i < 5; i++) queue.add(event(i, 60_000));
    expect(queue.overCarryBudget).toBe(true);
    expect(queue.take()).toEqual(event(0, 60_000));
    expect(queue.overCarryBudget).toBe(false);
    expect(state.queuedEvents).toHaveLength(4);
    expect(refused).toEqual([]);
  });

  it('refuses an event larger than any valid one, and queues the rest in order', () => {
    const refused: Array<{ reason: string; payload: unknown }> = [];
    const state = stateWith({});
    const queue = new EventQueue(state, true, (reason, payload) => refused.push({ reason, payload }));
    queue.add(event(1, 10));
    queue.add(event(2, 70_000));
    queue.add(event(3, 10));
    expect(state.queuedEvents).toEqual([event(1, 10), event(3, 10)]);
    expect(refused).toEqual([
      {
        reason: expect.stringContaining('over the limit of 65536 a guardian accepts'),
        payload: event(2, 70_000),
      },
    ]);
  });

  it('counts the events a run was handed, and before the patch queues everything as it was', () => {
    const carried = stateWith({ queuedEvents: [1, 2, 3, 4, 5].map((i) => event(i, 60_000)) });
    expect(new EventQueue(carried, true, () => undefined).overCarryBudget).toBe(true);
    const legacy = new EventQueue(stateWith({}), false, () => undefined);
    legacy.add(event(9, 300_000));
    expect(legacy.length).toBe(1);
    expect(legacy.overCarryBudget).toBe(false);
  });
});
