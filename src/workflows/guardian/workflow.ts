import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { MODEL_NAME } from '../../contracts/search-attributes';
import { setSignalHandlersInArrivalOrder, signalRoute } from '../signals-in-arrival-order';
import {
  actionFinishedSignal,
  guardianHistoryQuery,
  guardianStateQuery,
  modelEventSignal,
  modelEventsSignal,
  operatorCommandUpdate,
} from './definitions';
import { newestFirst } from './history';
import { APPROVAL_PATCH, APPROVAL_REQUEST_IDS_PATCH } from './approvals';
import { registerApprovalHandlers } from './approval-handlers';
import { BATCHED_WRITES_PATCH } from './batched-writes';
import { BOUNDED_STATE_PATCH, fitCarriedState } from './carry-budget';
import { EventQueue } from './event-queue';
import { IdleEnd, IDLE_END_AND_RECALL_PATCH } from './idle-end';
import { initialGuardianState } from './initial-state';
import { ModelGuardian } from './model-guardian';
import { PROMOTION_WATCH_PATCH, PromotionWatchKeeper, WATCH_SEARCH_ATTRIBUTE_PATCH } from './promotion-watch';
import { validateOperatorCommand } from './operator-command';
import { recallFromAuditTrail } from './recall';
import type {
  GuardianCarriedState,
  GuardianRunInput,
  PromotionApprovalRequest,
} from '../../contracts/guardian-messages';
import { promotionApprovalRequestSignal } from './promotion-approval-definitions';

const DEFAULT_EVENTS_PER_RUN = 500;
/** How long a run that wants to end stops taking events so in-flight work can drain. */
const DRAIN_LIMIT_MS = 60_000;
/** Patch: signals waiting for a run's first task are taken in the order Temporal accepted them. */
const SIGNALS_IN_ARRIVAL_ORDER = 'signals-in-arrival-order';

/**
 * One long-lived guardian per model (id `model-guardian:<model>`, or `service-guardian:<service>`;
 * the bridge signals it, starting it first when none runs):
 * decides every event in arrival order with the shared policy, runs the responses, and keeps
 * cooldowns, recent responses, the pending retrain and the last 1,000 decisions as workflow state,
 * carried across continue-as-new.
 */
export async function modelGuardianWorkflow(input: GuardianRunInput): Promise<void> {
  const state = input.carried ?? initialGuardianState(input, Date.now());
  // Decided once, before the first command, for the whole run (see BATCHED_WRITES_PATCH).
  const batchedWrites = patched(BATCHED_WRITES_PATCH);
  const boundedState = patched(BOUNDED_STATE_PATCH);
  const guardian = new ModelGuardian(input.modelName, state, batchedWrites, boundedState);
  const queue = new EventQueue(state, boundedState, (reason, payload) => guardian.reject(reason, payload));
  const eventsPerRun = input.eventsPerRun ?? DEFAULT_EVENTS_PER_RUN;
  // Decided once per run, like the patch above; absent in runs begun before it (IdleEnd).
  const lifetime = patched(IDLE_END_AND_RECALL_PATCH)
    ? new IdleEnd(input.idleMinutes, input.settings, state, () => guardian.isIdle())
    : undefined;

  // Decided once per run, like the patches above; absent in runs begun before it (no watches).
  const watch = patched(PROMOTION_WATCH_PATCH)
    ? new PromotionWatchKeeper(input.modelName, state, (entry) => guardian.record(entry))
    : undefined;
  // Decided once per run, like the patches above: runs begun before it never show their watch.
  const watchInSearch = watch !== undefined && patched(WATCH_SEARCH_ATTRIBUTE_PATCH);

  // Promotions retrain children ask a person for: queued like events, held by the main loop.
  const promotionRequests: PromotionApprovalRequest[] = [];

  const signals = [
    // Signals only queue: decisions happen in the main loop, one at a time, in arrival order.
    signalRoute(modelEventSignal, (payload) => queue.add(payload)),
    // A batch from the bridge: its events queue in order, as if signalled one by one. Anything but
    // an array is queued as it is, so validation rejects it with a reason like any bad event.
    signalRoute(modelEventsSignal, (payload) => {
      if (Array.isArray(payload)) for (const event of payload as unknown[]) queue.add(event);
      else queue.add(payload);
    }),
    signalRoute(actionFinishedSignal, (outcome) =>
      guardian.retrainFinished(watch ? watch.retrainFinished(outcome) : outcome),
    ),
    // A retrain child's candidate waits for a person before promotion (PROMOTION_MODE=approval).
    signalRoute(promotionApprovalRequestSignal, (request) => void promotionRequests.push(request)),
  ];
  // Runs that began before this replay as they ran: their first task took `modelEvent`s first.
  if (patched(SIGNALS_IN_ARRIVAL_ORDER)) setSignalHandlersInArrivalOrder(signals);
  else for (const signal of signals) signal.register();
  setHandler(guardianStateQuery, () => guardian.view());
  setHandler(guardianHistoryQuery, (limit) => newestFirst(state.history, limit ?? state.history.length));
  setHandler(operatorCommandUpdate, (command) => guardian.operate(command), {
    validator: (command) => validateOperatorCommand(command, state, Date.now()),
  });
  // Decided once per run, like the patches above; absent in runs begun before it. Runs begun
  // before the request-ids patch keep random request ids: replayed, their state must hold the
  // ids their alerts showed and their answers named.
  const approvals = patched(APPROVAL_PATCH)
    ? guardian.enableApprovals(patched(APPROVAL_REQUEST_IDS_PATCH))
    : undefined;
  registerApprovalHandlers(approvals, () => guardian.describe());
  const promotions = guardian.promotionApprovals();

  if (state.previousRuns === 0) upsertSearchAttributes([{ key: MODEL_NAME, value: input.modelName }]);
  guardian.describe();
  // Signals that arrive meanwhile queue; the loop decides them once the memory is back.
  if (lifetime && !input.carried) await recallFromAuditTrail(input.modelName, state);

  let processedThisRun = 0;
  let drainingSince: number | undefined;
  const wantsNewRun = () => workflowInfo().continueAsNewSuggested || processedThisRun >= eventsPerRun;
  // A new run may start only when nothing is in flight: no action, no audit write, no update.
  // (Retrains run as child workflows and report to whichever run is current.)
  // Nor while more events wait than a run may carry: those are decided first (CARRY_BUDGET).
  const readyForNewRun = () =>
    wantsNewRun() &&
    guardian.isIdle() &&
    allHandlersFinished() &&
    !queue.overCarryBudget &&
    promotionRequests.length === 0;

  for (;;) {
    watch?.endIfDue();
    guardian.runDueRetrain();
    approvals?.expireDue();
    if (promotionRequests.length > 0) {
      for (const request of promotionRequests.splice(0)) promotions.requested(request);
      guardian.describe();
    }
    guardian.flushWrites();
    if (wantsNewRun()) {
      if (readyForNewRun()) break;
      drainingSince ??= Date.now();
      // Stop taking events for a moment so in-flight work finishes; events wait in the queue and
      // travel to the next run. If draining takes too long (a slow backend), keep deciding events
      // meanwhile and end the run as soon as it is idle.
      const left = drainingSince + DRAIN_LIMIT_MS - Date.now();
      if (left > 0 && !queue.overCarryBudget) {
        await condition(() => readyForNewRun() || guardian.wantsFlush || queue.overCarryBudget, left);
        continue;
      }
    }
    const drainExpired = drainingSince !== undefined;
    let processed = 0;
    while (queue.length > 0 && (drainExpired || !wantsNewRun() || queue.overCarryBudget)) {
      guardian.processSignal(queue.take());
      processed++;
      processedThisRun++;
    }
    if (processed > 0) guardian.describe();
    // Audit rows and drift alerts of every decision this turn took go out in one write each.
    guardian.flushWrites();
    if (readyForNewRun()) break;

    lifetime?.arm();
    if (watchInSearch) watch.showInSearchAttributes();
    watch?.arm();
    const wake = () =>
      state.queuedEvents.length > 0 ||
      readyForNewRun() ||
      guardian.wantsFlush ||
      (lifetime?.wantsLook() ?? false) ||
      (watch?.wantsLook() ?? false) ||
      promotionRequests.length > 0;
    const pendingAt = earliest(state.policy.pendingRetrain?.runAt, approvals?.nextExpiry());
    if (pendingAt === undefined) await condition(wake);
    else await condition(wake, Math.max(pendingAt - Date.now(), 1));
    // Idle for GUARDIAN_IDLE_MINUTES: end; the next event starts a new guardian, which recalls.
    if (lifetime?.isDue()) return;
  }

  // Signals that arrived meanwhile travel in `queuedEvents`: nothing is lost between runs.
  const carried = { ...state, previousRuns: state.previousRuns + 1 };
  await continueAsNew<typeof modelGuardianWorkflow>({
    modelName: input.modelName,
    eventsPerRun: input.eventsPerRun,
    settings: input.settings,
    idleMinutes: input.idleMinutes,
    carried: boundedState ? carriedWithinBudget(input.modelName, carried) : carried,
  });
}

/** The earlier of two optional times (a waiting retrain, an approval timeout). */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

/** The carried state fitted to CARRY_BUDGET; decisions left behind are in the audit trail, and logged. */
function carriedWithinBudget(modelName: string, state: GuardianCarriedState): GuardianCarriedState {
  const fit = fitCarriedState(state);
  if (fit.droppedDecisions > 0) {
    log.info('oldest decisions not carried into the next run to keep its input small', {
      modelName,
      droppedDecisions: fit.droppedDecisions,
      carriedBytes: fit.bytes,
    });
  }
  return fit.carried;
}
