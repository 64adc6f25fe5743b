import { insertDecisions } from '../../backends/audit/decision-log';
import { processWorkerMetrics } from '../../metrics/worker-metrics';
import type { ActivityDeps } from '../deps';
import type { DecisionRecord } from '../../contracts/guardian-activities';

/**
 * Writes decisions to the audit trail in one statement; records already there (a retried
 * attempt, a redelivered event) are left as they were. Only rows this call inserted are counted
 * in the decision metrics, so a retry never counts a decision twice; a failed write is counted.
 */
export async function recordDecisionsCounted(
  deps: ActivityDeps,
  records: DecisionRecord[],
): Promise<DecisionRecord[]> {
  const metrics = deps.workerMetrics ?? processWorkerMetrics;
  let inserted: DecisionRecord[];
  try {
    inserted = await insertDecisions(deps.pool, records);
  } catch (err) {
    metrics.auditWriteFailed();
    throw err;
  }
  metrics.decisionsRecorded(inserted);
  return inserted;
}

/** Writes every decision a guardian took in one workflow task to the audit trail in one statement. */
export function createRecordDecisions(deps: ActivityDeps) {
  return async function recordDecisions(records: DecisionRecord[]): Promise<void> {
    const inserted = await recordDecisionsCounted(deps, records);
    if (inserted.length < records.length) {
      deps.logger.debug(
        { model_name: records[0]?.modelName, records: records.length, inserted: inserted.length },
        'some decisions were already in the audit trail',
      );
    }
  };
}
