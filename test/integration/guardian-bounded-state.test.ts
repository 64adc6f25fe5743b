import { Worker } from '@temporalio/worker';
import { OTHER_EVENT_TYPES } from '../../src/domain/policy';
import { CARRY_BUDGET } from '../../src/workflows/guardian/carry-budget';
import { degradationEvent } from '../unit/policy/model-events';
import {
  eventually,
  type GuardianUnderTest,
  useGuardianWorkflowEnv,
  WORKFLOWS_PATH,
} from '../helpers/guardian-workflow';
import { carriedInputs, type GuardianRun, guardianRuns, historyReader } from '../helpers/carried-inputs';
import { largeEvent, madeUpTypeEvent } from '../helpers/hostile-events';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * A hostile event stream against one guardian — 300 events of ~50 KB and 500 made-up event
 * types with the longest ids allowed, in batches while the guardian keeps continuing as new —
 * never makes what a run carries to the next exceed CARRY_BUDGET, loses no event, and keeps the
 * cooldowns and frequency count it had before. On the stack's real Temporal dev server: the
 * time-skipping test server loses signals sent during continue-as-new (see GuardianTestServer).
 */

jest.setTimeout(900_000);

const t = useGuardianWorkflowEnv(undefined, 'dev-server');
let g: GuardianUnderTest;
let runs: GuardianRun[] = [];

const LARGE = 300;
const MADE_UP_TYPES = 500;

describe('hostile stream', () => {
  it('keeps every continue-as-new input under budget, decides every event, and keeps its guards', async () => {
    g = t.guardian('bounded-state', {
      settings: { businessHours: { startHour: 0, endHour: 23 } },
      eventsPerRun: 100,
    });
    // A real response first: its ROLLBACK cooldown (30 min) and its response must outlive the flood.
    const first = degradationEvent({ model: g.modelName, severity: 'HIGH', drop: 0.12 });
    expect((await g.decide(first, t.backends)).action).toBe('ROLLBACK');

    const large = Array.from({ length: LARGE }, (_, i) => largeEvent(g.modelName, i));
    const madeUp = Array.from({ length: MADE_UP_TYPES }, (_, i) => madeUpTypeEvent(g.modelName, i));
    // Batches as the bridge sends them (about 1 MB each for the large ones), interleaved.
    for (let i = 0; i < LARGE / 20; i++) {
      await g.sendBatch(large.slice(i * 20, (i + 1) * 20));
      await g.sendBatch(madeUp.slice(i * 34, (i + 1) * 34));
    }
    const total = 1 + LARGE + MADE_UP_TYPES;
    await g.waitUntilQuiet(t.backends, total, 800_000);

    const reader = await historyReader(process.env.TEMPORAL_ADDRESS!);
    try {
      runs = await guardianRuns(reader.client, g);
    } finally {
      await reader.close();
    }
    const inputs = carriedInputs(runs);
    // A queue over its share is decided rather than carried, so a flood ends a run only once it
    // is decided down to CARRY_BUDGET.queuedEventsBytes: few runs, each within budget.
    expect(inputs.length).toBeGreaterThanOrEqual(1);
    const largest = Math.max(...inputs.map((i) => i.bytes));
    expect(largest).toBeLessThan(CARRY_BUDGET.totalBytes);

    const view = await g.state();
    // No decision text in the state is longer than the bound (the audit trail has the assumptions).
    expect(Math.max(...view.lastDecisions.map((e) => e.reason.length))).toBeLessThanOrEqual(
      CARRY_BUDGET.decisionTextChars + 30,
    );
    expect(view.counters).toMatchObject({ processedEvents: total, rejectedSignals: 0, duplicateEvents: 0 });
    expect(t.backends.recordedIds(g.modelName).size).toBe(total);
    // The cooldown and the response of the first run are still there in the last one...
    expect(view.run).toBe(inputs.length + 1);
    expect(view.cooldowns).toContainEqual(
      expect.objectContaining({ key: 'model_performance_degraded:ROLLBACK', eventId: first.event_id }),
    );
    expect(view.recentResponses).toContainEqual(
      expect.objectContaining({ eventId: first.event_id, action: 'ROLLBACK' }),
    );
    // ...the made-up types beyond 32 shared one key, so the state holds at most 33 of them...
    const types = new Set(view.recentResponses.map((r) => r.eventType));
    expect(types.has(OTHER_EVENT_TYPES)).toBe(true);
    expect([...types].filter((type) => type.startsWith('made_up_type_')).length).toBeLessThanOrEqual(32);
    // ...and the guards still act: a second degradation lands in the carried cooldown.
    const second = degradationEvent({ model: g.modelName, severity: 'HIGH', drop: 0.12 });
    await g.send(second);
    // The state view, not the whole history: the newest 20 decisions are enough to find it.
    const entry = await eventually(async () => {
      const found = (await g.state()).lastDecisions.find((e) => e.id === second.event_id);
      return found && found.status !== 'running' ? found : undefined;
    }, 'the second degradation decided');
    expect(entry).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('cooldown model_performance_degraded:ROLLBACK'),
    });
    expect(t.backends.callsFor(g.modelName, 'rollbackModel')).toHaveLength(1);
    console.log(
      `hostile stream: ${inputs.length} continue-as-new inputs, largest ${largest} bytes (budget ${CARRY_BUDGET.totalBytes})`,
    );
  });
});

describe('replay', () => {
  it('replays every run of that guardian without non-determinism', async () => {
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(WORKFLOWS_PATH), replayName: 'guardian-bounded-state' },
      runs.map(({ workflowId, history }) => ({ workflowId, history })),
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
