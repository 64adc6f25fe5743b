import type { DecisionEntry, GuardianCarriedState } from '../../contracts/guardian-messages';
import { clipText } from '../../domain/clip-text';
import { jsonBytes } from '../../domain/json-bytes';

/**
 * Workflow patch: a guardian's state stays bounded (event-type keys, responses and event ids in
 * the policy; queued events and decision texts in what a run carries to the next), and the
 * continue-as-new input is fitted to CARRY_BUDGET. Runs begun before it keep the old behaviour
 * until their next continue-as-new.
 */
export const BOUNDED_STATE_PATCH = 'guardian-bounded-state';

/**
 * What one run may hand to the next. Temporal refuses a continue-as-new input over its payload
 * limit (2 MB by default) and a guardian that cannot continue as new is stuck, so the budget
 * keeps well under it whatever the event stream.
 */
export const CARRY_BUDGET = {
  /** The whole continue-as-new input, as UTF-8 JSON. */
  totalBytes: 1024 * 1024,
  /** Events queued but not yet decided: past this the run decides them instead of carrying them. */
  queuedEventsBytes: 256 * 1024,
  /** The longest reason or result a carried decision keeps (the audit trail has it whole). */
  decisionTextChars: 2_000,
  /** The longest reason a carried rejection keeps. */
  rejectionTextChars: 500,
} as const;

/** Room for the rest of the input (model name, run settings) and JSON punctuation. */
const INPUT_OVERHEAD_BYTES = 4 * 1024;

/** What fitting the state to the budget did. */
export interface CarriedStateFit {
  carried: GuardianCarriedState;
  /** Size of the carried state as JSON (UTF-8 bytes). */
  bytes: number;
  /** Oldest decisions left out of the carried history to fit (they stay in the audit trail). */
  droppedDecisions: number;
}

/** A decision as a run carries it: long texts clipped, nothing for the audit row left over. */
function carriedEntry(entry: DecisionEntry): DecisionEntry {
  const { input: _writtenToAudit, ...rest } = entry;
  const carried: DecisionEntry = { ...rest, reason: clipText(entry.reason, CARRY_BUDGET.decisionTextChars) };
  if (entry.result !== undefined) carried.result = clipText(entry.result, CARRY_BUDGET.decisionTextChars);
  return carried;
}

/**
 * The state a run hands to the next, within `totalBytes` (a guardian's own run: CARRY_BUDGET.totalBytes;
 * a shard: its share per model): texts clipped, then the
 * decision history (the only part with no bound of its own small enough) shortened from its
 * oldest end to what is left after everything else. Queued events are never dropped here: the
 * run decides events past CARRY_BUDGET.queuedEventsBytes before it continues as new.
 */
export function fitCarriedState(
  state: GuardianCarriedState,
  totalBytes: number = CARRY_BUDGET.totalBytes,
): CarriedStateFit {
  const runningRetrains = Object.fromEntries(
    Object.entries(state.runningRetrains).map(([id, r]) => [id, { ...r, entry: carriedEntry(r.entry) }]),
  );
  const rest: GuardianCarriedState = {
    ...state,
    history: [],
    runningRetrains,
    recentRejections: state.recentRejections.map((r) => ({
      ...r,
      reason: clipText(r.reason, CARRY_BUDGET.rejectionTextChars),
    })),
  };
  let room = totalBytes - INPUT_OVERHEAD_BYTES - jsonBytes(rest);
  const kept: DecisionEntry[] = [];
  for (let i = state.history.length - 1; i >= 0; i--) {
    const entry = carriedEntry(state.history[i]);
    const bytes = jsonBytes(entry) + 1; // the comma between entries
    if (bytes > room) break;
    room -= bytes;
    kept.push(entry);
  }
  kept.reverse();
  const carried = { ...rest, history: kept };
  return { carried, bytes: jsonBytes(carried), droppedDecisions: state.history.length - kept.length };
}
