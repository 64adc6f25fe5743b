import type { ActivityDeps } from '../deps';
import type { DecisionRecord } from '../../contracts/guardian-activities';
import { recordDecisionsCounted } from './record-decisions';

/** Writes a decision to the audit trail (guardian_decisions); a repeat for the same event is a no-op. */
export function createRecordDecision(deps: ActivityDeps) {
  return async function recordDecision(record: DecisionRecord): Promise<void> {
    const inserted = await recordDecisionsCounted(deps, [record]);
    if (inserted.length === 0) {
      deps.logger.debug(
        { model_name: record.modelName, event_id: record.eventId },
        'decision already in the audit trail',
      );
    }
  };
}
