import type { GuardianConfig } from './guardian';

/** What guardian shards (GUARDIAN_SHARDS > 0) cannot do yet: refused rather than silently ignored. */
export function shardClashes(guardian: GuardianConfig): string[] {
  if (guardian.shards === 0) return [];
  const problems: string[] = [];
  if (guardian.approvalRequired.length > 0)
    problems.push(
      'GUARDIAN_APPROVAL_REQUIRED is not available with GUARDIAN_SHARDS yet: set GUARDIAN_SHARDS=0 (one guardian per model) to have actions wait for approval',
    );
  if (guardian.promotionMode === 'approval')
    problems.push(
      'PROMOTION_MODE=approval is not available with GUARDIAN_SHARDS yet: set GUARDIAN_SHARDS=0 (one guardian per model) to have promotions wait for approval',
    );
  return problems;
}
