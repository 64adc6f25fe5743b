import { defineQuery, defineUpdate } from '@temporalio/workflow';
import {
  GUARDIAN_SHARD_MODEL_HISTORY_QUERY,
  GUARDIAN_SHARD_MODEL_STATE_QUERY,
  GUARDIAN_SHARD_OPERATOR_UPDATE,
  GUARDIAN_SHARD_SUMMARY_QUERY,
  type GuardianShardSummary,
  type ShardOperatorCommand,
} from '../../contracts/guardian-shards';
import type {
  DecisionEntry,
  GuardianStateView,
  OperatorCommand,
  OperatorCommandResult,
} from '../../contracts/guardian-messages';

/** One model's guardian state in a shard; null when the shard holds nothing for the model. */
export const modelGuardianStateQuery = defineQuery<GuardianStateView | null, [string]>(
  GUARDIAN_SHARD_MODEL_STATE_QUERY,
);

/** One model's decision history in a shard, newest first; the second argument limits how many. */
export const modelGuardianHistoryQuery = defineQuery<DecisionEntry[], [string, number?]>(
  GUARDIAN_SHARD_MODEL_HISTORY_QUERY,
);

export const shardSummaryQuery = defineQuery<GuardianShardSummary>(GUARDIAN_SHARD_SUMMARY_QUERY);

export const modelOperatorCommandUpdate = defineUpdate<
  OperatorCommandResult,
  [ShardOperatorCommand<OperatorCommand>]
>(GUARDIAN_SHARD_OPERATOR_UPDATE);
