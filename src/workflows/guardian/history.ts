import type { DecisionEntry } from '../../contracts/guardian-messages';

/** The guardian keeps the last 1,000 decisions in state; older ones live in the audit trail. */
export const GUARDIAN_HISTORY_LIMIT = 1_000;

/** Appends an entry, dropping the oldest beyond the limit (in place: history is workflow state). */
export function appendToHistory(
  history: DecisionEntry[],
  entry: DecisionEntry,
  limit = GUARDIAN_HISTORY_LIMIT,
): void {
  history.push(entry);
  if (history.length > limit) history.splice(0, history.length - limit);
}

/** The newest `limit` entries, newest first. */
export function newestFirst(history: readonly DecisionEntry[], limit = history.length): DecisionEntry[] {
  const count = Math.max(0, Math.min(limit, history.length));
  return history.slice(history.length - count).reverse();
}
