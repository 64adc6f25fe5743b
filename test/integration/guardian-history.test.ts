import { GUARDIAN_HISTORY_LIMIT } from '../../src/workflows/guardian/history';

import { systemEvent } from '../unit/policy/model-events';
import { GuardianUnderTest, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { replayAll } from '../helpers/guardian-replay';

/**
 * The guardian's in-state history stays bounded however many events arrive, across
 * continue-as-new, with events still arriving while each run ends. On the stack's real Temporal
 * dev server: the time-skipping test server mishandles a completion it rejects (see
 * GuardianTestServer), which loses signals sent during continue-as-new.
 */

jest.setTimeout(360_000);

const t = useGuardianWorkflowEnv(undefined, 'dev-server');
let g: GuardianUnderTest;

describe('bounded history', () => {
  it(`keeps the last ${GUARDIAN_HISTORY_LIMIT} decisions across runs`, async () => {
    g = t.guardian('history-bound');
    const events = Array.from({ length: GUARDIAN_HISTORY_LIMIT + 10 }, () =>
      systemEvent('heartbeat_missed', { model: g.modelName, severity: 'LOW' }),
    );
    // The first ten go first (in order), so they are the ones that fall out.
    for (const e of events.slice(0, 10)) await g.send(e);
    await g.sendAll(events.slice(10));
    // Waiting without queries while it continues as new (see waitUntilQuiet).
    await g.waitUntilQuiet(t.backends, events.length, 300_000);
    const view = await g.state();

    expect(view.historySize).toBe(GUARDIAN_HISTORY_LIMIT);
    expect(view.counters.processedEvents).toBe(events.length);
    // 500 events per run by default: the guardian continued as new twice and carried its counters.
    expect(view.run).toBeGreaterThanOrEqual(3);
    const ids = new Set((await g.history()).map((e) => e.id));
    expect(ids.size).toBe(GUARDIAN_HISTORY_LIMIT);
    expect(events.slice(0, 10).filter((e) => ids.has(e.event_id))).toEqual([]);
    expect(events.slice(10).every((e) => ids.has(e.event_id))).toBe(true);
    // Only the first event alerted; the rest fell in the 5-minute ALERT cooldown, and all were recorded.
    expect(t.backends.actionsFor(g.modelName)).toHaveLength(1);
    // An audit write may run again (a retried activity); the table keeps the first write, so the
    // trail holds each decision once.
    expect(t.backends.recordedIds(g.modelName).size).toBe(events.length);
    // A redelivery of an event from the first run is still recognised.
    await g.send(events[20]);
    expect((await g.waitUntilIdle(events.length + 1)).counters.duplicateEvents).toBe(1);
  });
});

describe('replay', () => {
  it('replays every run of that guardian without non-determinism', async () => {
    // 1,010 events at 500 per run: three runs, each replayed.
    expect(await replayAll(t.env, [g])).toBeGreaterThanOrEqual(3);
  });
});
