import { writeDecisions } from '../../backends/audit/decision-log';
import type { ActivityDeps } from '../deps';
import type { DecisionRecord } from '../../contracts/guardian-activities';

/**
 * Writes every decision a guardian took in one workflow task to the audit trail in one statement;
 * records already there (a retried attempt, a redelivered event) are left as they were.
 */
export function createRecordDecisions(deps: ActivityDeps) {
  return async function recordDecisions(records: DecisionRecord[]): Promise<void> {
    const inserted = await writeDecisions(deps.pool, records);
    if (inserted < records.length) {
      deps.logger.debug(
        { model_name: records[0]?.modelName, records: records.length, inserted },
        'some decisions were already in the audit trail',
      );
    }
  };
}
