import { jsonBytes } from '../../src/domain/json-bytes';
import { CARRY_BUDGET } from '../../src/workflows/guardian/carry-budget';
import { initialGuardianState } from '../../src/workflows/guardian/initial-state';
import { systemEvent } from '../unit/policy/model-events';
import { ALL_DAY, GuardianUnderTest, skipTo, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { uniqueName } from '../helpers/stack';
import { carriedInputs, guardianRuns } from '../helpers/carried-inputs';
import { largeEvent } from '../helpers/hostile-events';
import { replayAll } from '../helpers/guardian-replay';

/**
 * What a guardian carries from one run to the next stays within CARRY_BUDGET: queued events past
 * their share are decided before the run continues as new, never dropped. (The hostile stream
 * across many runs, with signals arriving during continue-as-new, is an integration test on the
 * real dev server: test/integration/guardian-bounded-state.test.ts.)
 */

jest.setTimeout(300_000);

const t = useGuardianWorkflowEnv(async ({ env }) => {
  const now = await env.currentTimeMs();
  const noon = new Date(now);
  noon.setUTCHours(12, 0, 0, 0);
  await skipTo(env, noon.getTime() > now ? noon.getTime() : noon.getTime() + 24 * 3600_000);
});

describe('the continue-as-new input budget', () => {
  it('decides queued events past their share instead of carrying them, and loses none', async () => {
    const modelName = uniqueName('carry-queue');
    // A run that starts with 1.2 MB of queued events (as a run ended under a flood could have
    // left them) and wants to continue as new after every event.
    const queued = Array.from({ length: 24 }, (_, i) => largeEvent(modelName, i));
    expect(jsonBytes(queued)).toBeGreaterThan(CARRY_BUDGET.totalBytes);
    const carried = {
      ...initialGuardianState({ modelName, settings: ALL_DAY }, Date.now()),
      queuedEvents: queued,
    };
    const started = new GuardianUnderTest(t.env, modelName, { settings: ALL_DAY, eventsPerRun: 1, carried });
    t.guardians.push(started);
    const last = systemEvent('prediction_latency_high', {
      model: modelName,
      severity: 'LOW',
      eventId: 'last',
    });
    await started.send(last);
    await started.waitUntilQuiet(t.backends, queued.length + 1);

    const inputs = carriedInputs(await guardianRuns(t.env.client, started));
    expect(inputs.length).toBeGreaterThanOrEqual(1);
    for (const { bytes, input } of inputs) {
      expect(bytes).toBeLessThan(CARRY_BUDGET.totalBytes);
      expect(jsonBytes(input.carried!.queuedEvents)).toBeLessThanOrEqual(CARRY_BUDGET.queuedEventsBytes);
    }
    // Every queued event and the signalled one were decided, each once, in order.
    const view = await started.state();
    expect(view.counters).toMatchObject({ processedEvents: queued.length + 1, rejectedSignals: 0 });
    expect(t.backends.recordedIds(modelName).size).toBe(queued.length + 1);
  });

  it('refuses on arrival an event larger than any valid one, with a reason', async () => {
    const g = t.guardian('carry-huge');
    const huge = {
      ...systemEvent('system_overload', { model: g.modelName, eventId: 'huge' }),
      extras: { blob: 'x'.repeat(100_000) },
    };
    const ok = systemEvent('system_overload', { model: g.modelName, eventId: 'ok' });
    await g.sendBatch([huge, ok]);
    const view = await g.waitUntilIdle(1);
    expect(view.counters).toMatchObject({ processedEvents: 1, rejectedSignals: 1 });
    expect(view.recentRejections).toEqual([
      expect.objectContaining({
        eventId: 'huge',
        reason: expect.stringContaining('over the limit of 65536 a guardian accepts'),
      }),
    ]);
  });
});

describe('replay', () => {
  it('replays every run of those guardians without non-determinism', async () => {
    expect(await replayAll(t.env, t.guardians)).toBeGreaterThanOrEqual(2);
  });
});
