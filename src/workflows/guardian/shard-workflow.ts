import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  guardianShardOf,
  type GuardianShardCarriedState,
  type GuardianShardRunInput,
  type GuardianShardSummary,
} from '../../contracts/guardian-shards';
import type { GuardianCarriedState } from '../../contracts/guardian-messages';
import { clipText } from '../../domain/clip-text';
import { parseModelEvent, TEXT_LIMITS } from '../../domain/events';
import type { GuardianSettings } from '../../domain/policy';
import { BackgroundWork } from './background-work';
import { BatchedWrites } from './batched-writes';
import { actionFinishedSignal, modelEventSignal, modelEventsSignal } from './definitions';
import { newestFirst } from './history';
import { initialGuardianState } from './initial-state';
import { settingsAfter, validateOperatorCommand } from './operator-command';
import { shardSettingsProblem } from './shard-settings';
import { fitShardState, SHARD_POLICY_STATE_LIMITS } from './shard-carry';
import {
  modelGuardianHistoryQuery,
  modelGuardianStateQuery,
  modelOperatorCommandUpdate,
  shardSummaryQuery,
} from './shard-definitions';
import { ShardMember } from './shard-member';
import { setSignalHandlersInArrivalOrder, signalRoute } from '../signals-in-arrival-order';

/** A shard decides far more events per run than a guardian of its own: it serves many models. */
const DEFAULT_EVENTS_PER_RUN = 20_000;
/** How long a run that wants to end stops taking events so in-flight work can drain. */
const DRAIN_LIMIT_MS = 60_000;
const REJECTIONS_KEPT = 20;
/**
 * Audit writes (and drift-alert writes) in flight at once: a turn's rows need not wait for the
 * previous turn's write. Rows are independent (the first write of an event id wins), so their
 * order does not matter.
 */
const WRITES_IN_FLIGHT = 4;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One guardian shard (`guardian-shard:<n>`, GUARDIAN_SHARDS > 0): the guardians of every model
 * whose name hashes to this shard, in one workflow. Each model keeps its own state, policy,
 * queue, history and promotion watch (ShardMember: the same code as a guardian of its own, and a
 * model new to the shard recalls its memory from the audit trail first). A turn decides the
 * queued events of all of them and writes all their audit rows and drift alerts in batched
 * writes. Per-model status is answered by query, not search attributes.
 */
export async function guardianShardWorkflow(input: GuardianShardRunInput): Promise<void> {
  const carried: GuardianShardCarriedState = input.carried ?? {
    models: {},
    previousRuns: 0,
    rejectedSignals: 0,
    recentRejections: [],
  };
  const shardSettings = shardSettingsOf(input);
  const shardWork = new BackgroundWork(() => describe());
  const members = new Map<string, ShardMember>();
  const writes = new BatchedWrites(
    `guardian-shard:${input.shard}`,
    (model) => members.get(model)?.state.counters,
    shardWork,
    WRITES_IN_FLIGHT,
  );
  // Wake conditions run after every activation job: walk the map, do not copy it each time.
  const findMember = (test: (m: ShardMember) => boolean): ShardMember | undefined => {
    for (const m of members.values()) if (test(m)) return m;
    return undefined;
  };
  const join = (modelName: string, state: GuardianCarriedState) => {
    const member = new ShardMember(modelName, state, writes, SHARD_POLICY_STATE_LIMITS);
    members.set(modelName, member);
    carried.models[modelName] = state;
    return member;
  };
  for (const [modelName, state] of Object.entries(carried.models)) join(modelName, state);
  const memberOf = (modelName: string) => {
    const known = members.get(modelName);
    if (known) return known;
    const member = join(modelName, initialGuardianState({ modelName, settings: input.settings }, Date.now()));
    member.recall(shardWork);
    return member;
  };

  const rejectSignal = (reason: string, payload: unknown) => {
    const eventId = (payload as { event_id?: unknown } | null)?.event_id;
    carried.rejectedSignals++;
    carried.recentRejections.push({
      at: iso(Date.now()),
      reason,
      eventId: typeof eventId === 'string' ? clipText(eventId, TEXT_LIMITS.event_id) : undefined,
    });
    if (carried.recentRejections.length > REJECTIONS_KEPT) carried.recentRejections.shift();
    log.error('guardian shard rejected a signal', { shard: input.shard, reason });
  };
  /** An event goes to its model's queue; what names no model of this shard is refused here. */
  const route = (payload: unknown) => {
    const parsed = parseModelEvent(payload);
    if (!parsed.ok) return rejectSignal(`invalid event: ${parsed.reason}`, payload);
    const modelName = parsed.event.model_name;
    const shard = guardianShardOf(modelName, input.shards);
    if (shard !== input.shard) {
      return rejectSignal(
        `event for model '${clipText(modelName, TEXT_LIMITS.model_name)}' belongs to shard ${shard} of ${input.shards}, not ${input.shard}`,
        payload,
      );
    }
    memberOf(modelName).queue.add(parsed.event);
  };

  setSignalHandlersInArrivalOrder([
    signalRoute(modelEventSignal, route),
    signalRoute(modelEventsSignal, (payload) => {
      if (Array.isArray(payload)) for (const event of payload as unknown[]) route(event);
      else route(payload);
    }),
    signalRoute(actionFinishedSignal, (outcome) => {
      const owner = findMember((m) => m.ownsRetrain(outcome.id));
      if (owner) owner.retrainFinished(outcome);
      else
        log.warn('outcome for a retrain no model of this shard knows', {
          shard: input.shard,
          id: outcome.id,
        });
    }),
  ]);
  setHandler(modelGuardianStateQuery, (modelName) => members.get(modelName)?.guardian.view() ?? null);
  setHandler(modelGuardianHistoryQuery, (modelName, limit) => {
    const history = members.get(modelName)?.state.history ?? [];
    return newestFirst(history, limit ?? history.length);
  });
  setHandler(shardSummaryQuery, () => summary());
  setHandler(
    modelOperatorCommandUpdate,
    ({ modelName, command }) => {
      const result = memberOf(modelName).guardian.operate(command);
      describe();
      return result;
    },
    {
      validator: ({ modelName, command }) => {
        if (typeof modelName !== 'string' || guardianShardOf(modelName, input.shards) !== input.shard)
          throw new Error(`model '${String(modelName)}' does not belong to guardian shard ${input.shard}`);
        const state =
          members.get(modelName)?.state ??
          initialGuardianState({ modelName, settings: input.settings }, Date.now());
        validateOperatorCommand(command, state, Date.now());
        const problem =
          command.command === 'settings' && shardSettingsProblem(settingsAfter(state.settings, command));
        if (problem) throw new Error(problem);
      },
    },
  );

  function processedEvents(): number {
    let total = 0;
    for (const m of members.values()) total += m.state.counters.processedEvents;
    return total;
  }
  function summary(): GuardianShardSummary {
    return {
      shard: input.shard,
      shards: input.shards,
      asOf: iso(Date.now()),
      models: [...members.keys()].sort(),
      previousRuns: carried.previousRuns,
      processedEvents: processedEvents(),
      rejectedSignals: carried.rejectedSignals,
      recentRejections: [...carried.recentRejections],
    };
  }
  function describe(): void {
    let running = shardWork.size;
    for (const m of members.values()) running += m.guardian.runningWork;
    setCurrentDetails(
      `guardian shard ${input.shard} of ${input.shards} · ${members.size} model(s) · ` +
        `${processedEvents()} event(s) decided · ${running} running`,
    );
  }

  const eventsPerRun = input.eventsPerRun ?? DEFAULT_EVENTS_PER_RUN;
  let decidedThisRun = 0;
  let drainingSince: number | undefined;
  const queued = () => findMember((m) => m.hasWork) !== undefined;
  const overCarryBudget = () => findMember((m) => m.queue.overCarryBudget) !== undefined;
  const idle = () =>
    shardWork.size === 0 && writes.isEmpty && findMember((m) => !m.guardian.isIdle()) === undefined;
  const wantsNewRun = () => workflowInfo().continueAsNewSuggested || decidedThisRun >= eventsPerRun;
  const readyForNewRun = () => wantsNewRun() && idle() && allHandlersFinished() && !overCarryBudget();

  describe();
  for (;;) {
    for (const m of members.values()) m.runDueWork();
    writes.flush();
    if (wantsNewRun()) {
      if (readyForNewRun()) break;
      drainingSince ??= Date.now();
      // As a guardian of its own does: stop taking events while in-flight work finishes.
      const left = drainingSince + DRAIN_LIMIT_MS - Date.now();
      if (left > 0 && !overCarryBudget()) {
        await condition(() => readyForNewRun() || writes.wantsFlush || overCarryBudget(), left);
        continue;
      }
    }
    let decided = 0;
    for (const m of members.values()) decided += m.decideQueued();
    decidedThisRun += decided;
    if (decided > 0) describe();
    // Every model's audit rows and drift alerts of this turn go out in one write each.
    writes.flush();
    if (readyForNewRun()) break;

    for (const m of members.values()) m.watch.arm();
    const wake = () =>
      queued() ||
      readyForNewRun() ||
      writes.wantsFlush ||
      findMember((m) => m.watch.wantsLook()) !== undefined;
    const dueAt = earliestDue(members.values());
    if (dueAt === undefined) await condition(wake);
    else await condition(wake, Math.max(dueAt - Date.now(), 1));
  }

  const fit = fitShardState(
    { ...carried, previousRuns: carried.previousRuns + 1 },
    shardSettings,
    Date.now(),
  );
  log.info('guardian shard continues as new', {
    shard: input.shard,
    models: Object.keys(fit.carried.models).length,
    droppedModels: fit.droppedModels,
    droppedDecisions: fit.droppedDecisions,
    droppedEventIds: fit.droppedEventIds,
    carriedBytes: fit.bytes,
  });
  await continueAsNew<typeof guardianShardWorkflow>({
    shard: input.shard,
    shards: input.shards,
    settings: input.settings,
    eventsPerRun: input.eventsPerRun,
    carried: fit.carried,
  });
}

/** The settings a model new to the shard starts with (the defaults if they do not validate). */
function shardSettingsOf(input: GuardianShardRunInput): GuardianSettings {
  return initialGuardianState({ modelName: '', settings: input.settings }, 0).settings;
}

function earliestDue(members: Iterable<ShardMember>): number | undefined {
  let earliest: number | undefined;
  for (const m of members) {
    const at = m.nextDueAt;
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}
