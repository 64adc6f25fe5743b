import type { GuardianSettings } from '../../domain/policy';

/**
 * Why a shard cannot take these settings for a model, or undefined. Approval before acting and
 * promotion after approval wait on messages only a guardian of its own handles, so a shard
 * refuses them (operator `settings` command) rather than act without the approval they ask for.
 */
export function shardSettingsProblem(settings: GuardianSettings): string | undefined {
  if ((settings.approval?.required.length ?? 0) > 0)
    return 'approval before acting is not available in guardian shards yet (GUARDIAN_SHARDS=0 has it)';
  if (settings.evaluation?.promotion === 'approval')
    return 'promotion after approval is not available in guardian shards yet (GUARDIAN_SHARDS=0 has it)';
  return undefined;
}
