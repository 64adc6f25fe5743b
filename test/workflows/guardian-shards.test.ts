import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  GUARDIAN_SHARD_WORKFLOW_TYPE,
  guardianShardOf,
  type GuardianShardRunInput,
} from '../../src/contracts/guardian-shards';
import { GUARDIAN_EVENTS_SIGNAL } from '../../src/contracts/workflows';
import type { ModelEvent } from '../../src/domain/events';
import {
  modelGuardianHistoryQuery,
  modelGuardianStateQuery,
  modelOperatorCommandUpdate,
  shardSummaryQuery,
} from '../../src/workflows/guardian';
import { degradationEvent, driftEvent } from '../unit/policy/model-events';
import { ALL_DAY, eventually, TASK_QUEUE, useGuardianWorkflowEnv } from '../helpers/guardian-workflow';
import { uniqueName } from '../helpers/stack';

/**
 * Guardian shards (GUARDIAN_SHARDS): one workflow decides the events of many models with each
 * model's own state and policy, writes their audit rows together, and answers per model by query.
 */

jest.setTimeout(180_000);

const t = useGuardianWorkflowEnv();

/** A shard under a test's own workflow id, signalled the way the bridge signals one. */
class ShardUnderTest {
  readonly handle: WorkflowHandle;
  readonly workflowId = uniqueName('guardian-shard');

  constructor(private readonly input: GuardianShardRunInput) {
    this.handle = t.env.client.workflow.getHandle(this.workflowId);
  }

  async send(events: unknown[]): Promise<void> {
    await t.env.client.workflow.signalWithStart(GUARDIAN_SHARD_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: TASK_QUEUE,
      args: [this.input],
      signal: GUARDIAN_EVENTS_SIGNAL,
      signalArgs: [events],
    });
  }

  /** The audit row of an event (without queries: safe while the shard continues as new). */
  row(modelName: string, eventId: string) {
    return eventually(
      async () =>
        t.backends.callsFor(modelName, 'recordDecision').find((c) => c.request.eventId === eventId)?.request,
      `audit row ${eventId} of ${modelName}`,
    );
  }

  recorded(modelName: string, eventId: string) {
    return eventually(async () => {
      const rows = t.backends
        .callsFor(modelName, 'recordDecision')
        .filter((c) => c.request.eventId === eventId);
      if (rows.length === 0) return undefined;
      const entry = (await this.handle.query(modelGuardianHistoryQuery, modelName)).find(
        (e) => e.id === eventId,
      );
      return entry && entry.status !== 'running' ? entry : undefined;
    }, `decision ${eventId} of ${modelName}`);
  }
}

/** Model names that all hash to `shard` of `shards`. */
function modelsOfShard(count: number, shard: number, shards: number): string[] {
  const names: string[] = [];
  while (names.length < count) {
    const name = uniqueName('sharded');
    if (guardianShardOf(name, shards) === shard) names.push(name);
  }
  return names;
}

describe('a guardian shard', () => {
  it('decides each model with its own cooldowns and writes the turn’s rows together', async () => {
    const [a, b] = modelsOfShard(2, 0, 1);
    const shard = new ShardUnderTest({ shard: 0, shards: 1, settings: ALL_DAY });
    const firstA = driftEvent({ model: a, severity: 'HIGH', score: 0.6 });
    const firstB = driftEvent({ model: b, severity: 'HIGH', score: 0.6 });
    const lows = [a, b].map((model) => driftEvent({ model, severity: 'LOW', score: 0.1 }));
    await shard.send([firstA, firstB, ...lows]);
    for (const [model, event] of [
      [a, firstA],
      [b, firstB],
      [a, lows[0]],
      [b, lows[1]],
    ] as const)
      await shard.recorded(model, event.event_id);

    // A's second HIGH drift falls in A's RETRAIN cooldown; B's own first one already ran.
    const secondA = driftEvent({ model: a, severity: 'HIGH', score: 0.7 });
    await shard.send([secondA]);
    expect(await shard.recorded(a, secondA.event_id)).toMatchObject({ action: 'RETRAIN', status: 'skipped' });
    expect(await shard.recorded(a, firstA.event_id)).toMatchObject({
      action: 'RETRAIN',
      status: 'succeeded',
    });
    expect(await shard.recorded(b, firstB.event_id)).toMatchObject({
      action: 'RETRAIN',
      status: 'succeeded',
    });

    // The retrain children reported back to the shard, which found each one's model.
    const viewA = await shard.handle.query(modelGuardianStateQuery, a);
    expect(viewA).toMatchObject({ modelName: a, counters: { processedEvents: 3 } });
    expect(viewA?.runningActions).toEqual([]);
    expect(await shard.handle.query(modelGuardianStateQuery, 'no-such-model')).toBeNull();
    expect(await shard.handle.query(shardSummaryQuery)).toMatchObject({
      models: [a, b].sort(),
      processedEvents: 5,
      rejectedSignals: 0,
    });
    // Inside MONITOR's cooldown, both models' repeats are recorded at once: one turn, one write.
    const before = t.backends.auditWrites.length;
    const repeats = [a, b, a, b].map((model) => driftEvent({ model, severity: 'LOW', score: 0.1 }));
    await shard.send(repeats);
    for (const e of repeats) await shard.recorded(e.model_name, e.event_id);
    expect(t.backends.auditWrites.slice(before)).toEqual([{ modelName: a, rows: 4 }]);
  });

  it('refuses an event of another shard and an invalid one, and keeps deciding', async () => {
    const [other] = modelsOfShard(1, 1, 2);
    const [mine] = modelsOfShard(1, 0, 2);
    const shard = new ShardUnderTest({ shard: 0, shards: 2, settings: ALL_DAY });
    const stray = driftEvent({ model: other, severity: 'LOW' });
    const good = degradationEvent({ model: mine, severity: 'LOW' });
    await shard.send([stray, { event_id: 'broken', model_name: mine }, good]);
    expect(await shard.recorded(mine, good.event_id)).toMatchObject({ action: 'MONITOR' });
    const summary = await shard.handle.query(shardSummaryQuery);
    expect(summary.models).toEqual([mine]);
    expect(summary.rejectedSignals).toBe(2);
    expect(summary.recentRejections.map((r) => r.reason)).toEqual([
      expect.stringContaining(`belongs to shard 1 of 2, not 0`),
      expect.stringContaining('invalid event'),
    ]);
    expect(t.backends.callsFor(other)).toEqual([]);
    // Nor does it take a command for that model.
    const command = { command: 'pause', reason: 'wrong shard' };
    const refused = await shard.handle
      .executeUpdate(modelOperatorCommandUpdate, { args: [{ modelName: other, command } as never] })
      .catch((e: unknown) => e);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toContain(
      `model '${other}' does not belong to guardian shard 0`,
    );
  });

  it('takes operator commands per model, validated against that model', async () => {
    const [a, b] = modelsOfShard(2, 0, 1);
    const shard = new ShardUnderTest({ shard: 0, shards: 1, settings: ALL_DAY });
    const warmUp = driftEvent({ model: b, severity: 'LOW' });
    await shard.send([warmUp]);
    await shard.recorded(b, warmUp.event_id);

    await shard.handle.executeUpdate(modelOperatorCommandUpdate, {
      args: [{ modelName: a, command: { command: 'pause', reason: 'shard test', operator: 'ana' } }],
    });
    const refused = (modelName: string, command: Record<string, unknown>) =>
      shard.handle
        .executeUpdate(modelOperatorCommandUpdate, { args: [{ modelName, command } as never] })
        .then(
          () => 'accepted',
          (e: unknown) => String((e as WorkflowUpdateFailedError).cause?.message),
        );
    expect(await refused(a, { command: 'pause', reason: 'again' })).toContain('already paused');
    // B was not paused by A's command.
    expect(await refused(b, { command: 'resume', reason: 'nothing to resume' })).toContain('not paused');
    // Approval waits on messages a shard does not take: refused, not ignored.
    const approval = {
      required: [{ action: 'ROLLBACK', severity: 'HIGH' }],
      timeoutMinutes: 15,
      timeoutOutcome: 'abandon',
    };
    expect(await refused(b, { command: 'settings', reason: 'ask first', settings: { approval } })).toContain(
      'approval before acting is not available in guardian shards',
    );
    const events: ModelEvent[] = [a, b].map((model) =>
      degradationEvent({ model, severity: 'HIGH', drop: 0.2 }),
    );
    await shard.send(events);
    expect(await shard.recorded(a, events[0].event_id)).toMatchObject({ status: 'paused', executed: false });
    expect(await shard.recorded(b, events[1].event_id)).toMatchObject({
      action: 'ROLLBACK',
      status: 'succeeded',
    });
    expect(t.backends.callsFor(a, 'rollbackModel')).toEqual([]);
  });

  it('recalls a model new to it from the audit trail, as a guardian of its own does', async () => {
    // The model had a guardian of its own (GUARDIAN_SHARDS was 0), which retrained it.
    const own = t.guardian('moved-to-shard');
    const retrain = driftEvent({ model: own.modelName, severity: 'HIGH', score: 0.6 });
    expect(await own.decide(retrain, t.backends)).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });

    const shards = 1;
    const shard = new ShardUnderTest({
      shard: guardianShardOf(own.modelName, shards),
      shards,
      settings: ALL_DAY,
    });
    const again = driftEvent({ model: own.modelName, severity: 'HIGH', score: 0.7 });
    await shard.send([retrain, again]);
    expect(await shard.recorded(own.modelName, again.event_id)).toMatchObject({ status: 'skipped' });
    const view = await shard.handle.query(modelGuardianStateQuery, own.modelName);
    // The redelivered first event is known from the trail, and the cooldown still runs.
    expect(view?.counters).toMatchObject({ processedEvents: 1, duplicateEvents: 1 });
    expect(view?.cooldowns.map((c) => c.key)).toContain('data_drift_detected:RETRAIN');
    expect(t.backends.callsFor(own.modelName, 'runTrainingJob')).toHaveLength(1);
  });

  it('carries every model’s state into its next run', async () => {
    const [a, b] = modelsOfShard(2, 0, 1);
    const shard = new ShardUnderTest({ shard: 0, shards: 1, settings: ALL_DAY, eventsPerRun: 3 });
    const first = [a, b].map((model) => driftEvent({ model, severity: 'HIGH', score: 0.6 }));
    await shard.send(first);
    for (const [i, model] of [a, b].entries()) await shard.row(model, first[i].event_id);
    const firstRun = (await shard.handle.describe()).runId;
    const more = [a, b].map((model) => driftEvent({ model, severity: 'LOW' }));
    await shard.send(more);
    for (const [i, model] of [a, b].entries()) await shard.row(model, more[i].event_id);
    await eventually(
      async () => ((await shard.handle.describe()).runId !== firstRun ? true : undefined),
      'the shard’s next run',
    );

    // Still in A's RETRAIN cooldown after continue-as-new, and the redelivered event is a duplicate.
    const again = driftEvent({ model: a, severity: 'HIGH', score: 0.8 });
    await shard.send([first[0], again]);
    expect(await shard.row(a, again.event_id)).toMatchObject({
      details: expect.objectContaining({ status: 'skipped' }),
    });
    const view = await shard.handle.query(modelGuardianStateQuery, a);
    expect(view?.counters).toMatchObject({ processedEvents: 3, duplicateEvents: 1 });
    expect((await shard.handle.query(shardSummaryQuery)).previousRuns).toBeGreaterThanOrEqual(1);
  });
});
