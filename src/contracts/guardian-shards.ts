/**
 * Guardian shards (GUARDIAN_SHARDS): instead of one workflow per model, a fixed number of shard
 * workflows each decide the events of many models, with the same per-model guardian code, state
 * and policy. One workflow task and one audit write then serve every model that had events in a
 * turn, which is what lets the decision path keep up with hundreds of events a second.
 */
import type { GuardianSettingsInput } from '../domain/policy/settings';
import type { GuardianCarriedState, RejectedSignal } from './guardian-messages';
import { guardianWorkflowId } from './workflows';

export const GUARDIAN_SHARD_WORKFLOW_TYPE = 'guardianShardWorkflow';
/** Query [modelName]: that model's guardian state (as `guardianState`), or null if the shard has none. */
export const GUARDIAN_SHARD_MODEL_STATE_QUERY = 'modelGuardianState';
/** Query [modelName, limit?]: that model's decision history, newest first. */
export const GUARDIAN_SHARD_MODEL_HISTORY_QUERY = 'modelGuardianHistory';
/** Query: the shard as a whole (its models, counters, rejected signals). */
export const GUARDIAN_SHARD_SUMMARY_QUERY = 'shardSummary';
/** Update (with validator) [{ modelName, command }]: an operator command for one model of the shard. */
export const GUARDIAN_SHARD_OPERATOR_UPDATE = 'modelOperatorCommand';

/** Most shards a deployment may configure. */
export const MAX_GUARDIAN_SHARDS = 256;

/**
 * The shard of a guardian subject (a model name, or `service:<service>`): FNV-1a of its UTF-16
 * code units, modulo the shard count. Stable across processes and releases: changing it (or the
 * shard count) moves models to other shards, whose state starts empty.
 */
export function guardianShardOf(subject: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < subject.length; i++) {
    hash ^= subject.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export function guardianShardWorkflowId(shard: number): string {
  return `guardian-shard:${shard}`;
}

/** Where a subject's events go: its own guardian (shards 0, the default) or its shard. */
export function guardianWorkflowIdFor(subject: string, shards: number): string {
  return shards > 0 ? guardianShardWorkflowId(guardianShardOf(subject, shards)) : guardianWorkflowId(subject);
}

/** First-run input of a shard; later runs carry the models' state as well. */
export interface GuardianShardStartInput {
  shard: number;
  /** The shard count the bridge routes by (for the shard to refuse a model routed wrongly). */
  shards: number;
  /** The policy settings each model's guardian starts with (as GuardianStartInput.settings). */
  settings?: GuardianSettingsInput;
}

export interface GuardianShardCarriedState {
  /** Each model's guardian state, by model name (or `service:<service>`). */
  models: Record<string, GuardianCarriedState>;
  previousRuns: number;
  /** Signals no model's guardian could take (no model name, or a model of another shard). */
  rejectedSignals: number;
  recentRejections: RejectedSignal[];
}

export interface GuardianShardRunInput extends GuardianShardStartInput {
  carried?: GuardianShardCarriedState;
  /** Continue-as-new after this many events even if Temporal has not suggested it. */
  eventsPerRun?: number;
}

/** An operator command for one model of a shard. */
export interface ShardOperatorCommand<Command = unknown> {
  modelName: string;
  command: Command;
}

export interface GuardianShardSummary {
  shard: number;
  shards: number;
  asOf: string;
  models: string[];
  previousRuns: number;
  processedEvents: number;
  rejectedSignals: number;
  recentRejections: RejectedSignal[];
}
