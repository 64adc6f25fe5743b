import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionOutcome } from '../../contracts/guardian-messages';
import {
  GUARDIAN_ACTION_FINISHED_SIGNAL,
  GUARDIAN_EVENT_SIGNAL,
  GUARDIAN_EVENTS_SIGNAL,
  GUARDIAN_HISTORY_QUERY,
  GUARDIAN_OPERATOR_UPDATE,
  GUARDIAN_STATE_QUERY,
} from '../../contracts/workflows';
import type {
  DecisionEntry,
  GuardianStateView,
  OperatorCommand,
  OperatorCommandResult,
} from '../../contracts/guardian-messages';

/** One event for the guardian (a validated ModelEvent; re-checked on arrival). */
export const modelEventSignal = defineSignal<[unknown]>(GUARDIAN_EVENT_SIGNAL);

/** Several events for the guardian, in order (each re-checked on arrival). */
export const modelEventsSignal = defineSignal<[unknown]>(GUARDIAN_EVENTS_SIGNAL);

export const guardianStateQuery = defineQuery<GuardianStateView>(GUARDIAN_STATE_QUERY);

/** The decision history, newest first; the argument limits how many. */
export const guardianHistoryQuery = defineQuery<DecisionEntry[], [number?]>(GUARDIAN_HISTORY_QUERY);

export const operatorCommandUpdate = defineUpdate<OperatorCommandResult, [OperatorCommand]>(
  GUARDIAN_OPERATOR_UPDATE,
);

/** The outcome of an action run outside the guardian (a RETRAIN child), reported back. */
export const actionFinishedSignal = defineSignal<[ActionOutcome]>(GUARDIAN_ACTION_FINISHED_SIGNAL);
