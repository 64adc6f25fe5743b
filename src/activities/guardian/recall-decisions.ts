import { recallDecisions } from '../../backends/audit/decision-recall';
import type { ActivityDeps } from '../deps';
import type { DecisionRecord, RecallRequest } from '../../contracts/guardian-activities';

/** Reads a model's recent decisions back from the audit trail for a guardian that starts afresh. */
export function createRecallDecisions(deps: ActivityDeps) {
  return async function recallDecisionsActivity(request: RecallRequest): Promise<DecisionRecord[]> {
    const records = await recallDecisions(deps.pool, request);
    deps.logger.info(
      { model_name: request.modelName, since: request.since, decisions: records.length },
      'guardian memory recalled from the audit trail',
    );
    return records;
  };
}
