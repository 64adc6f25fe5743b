import { log } from '@temporalio/workflow';
import type { DecisionRecord } from '../../contracts/guardian-activities';
import type {
  DecisionEntry,
  DecisionOrigin,
  DecisionStatus,
  GuardianCarriedState,
} from '../../contracts/guardian-messages';
import { errorMessage } from '../../domain/error-message';
import { SEEN_EVENT_IDS_LIMIT } from '../../domain/policy';
import { POLICY_MEMORY_MS, rebuildPolicyMemory } from '../../domain/policy/recalled-memory';
import { memory } from './activities';

/** Decisions a restarted guardian shows in its history straight away (the trail keeps them all). */
export const RECALLED_HISTORY_LIMIT = 50;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A guardian that starts without carried state — its model's first run, the first after it
 * ended idle, or after an operator terminated or reset it — reads its model's recent decisions
 * back from the audit trail: the cooldowns still running, the responses in the frequency window,
 * the event ids already answered, a retrain still waiting for the maintenance window and the
 * last decisions for its history. If the trail cannot be
 * read, it says so in its log and starts with an empty memory rather than not at all.
 */
export async function recallFromAuditTrail(modelName: string, state: GuardianCarriedState): Promise<void> {
  let records: DecisionRecord[];
  try {
    records = await memory.recallDecisions.executeWithOptions(
      { summary: `recall: recent decisions of ${modelName} from the audit trail` },
      [{ modelName, since: iso(Date.now() - POLICY_MEMORY_MS), recentLimit: RECALLED_HISTORY_LIMIT }],
    );
  } catch (err) {
    log.error(
      'guardian memory could not be read from the audit trail: cooldowns and the frequency limit start empty',
      {
        modelName,
        error: errorMessage(err),
      },
    );
    return;
  }
  if (records.length === 0) return;
  const recalled = rebuildPolicyMemory(records.map(recalledDecisionOf), Date.now());
  // Anything this run already holds is newer than the trail: it wins.
  state.policy.cooldowns = { ...recalled.cooldowns, ...state.policy.cooldowns };
  state.policy.recentResponses = [...recalled.recentResponses, ...state.policy.recentResponses];
  state.seenEventIds = [...recalled.eventIds, ...state.seenEventIds].slice(-SEEN_EVENT_IDS_LIMIT);
  // A deferred retrain that has neither run nor been replaced runs at its window (at once if that has passed).
  if (recalled.pendingRetrain && !state.policy.pendingRetrain)
    state.policy.pendingRetrain = recalled.pendingRetrain;
  state.history.unshift(...records.slice(-RECALLED_HISTORY_LIMIT).map(entryOf));
  log.info('guardian memory recalled from the audit trail', {
    modelName,
    decisions: records.length,
    cooldowns: Object.keys(recalled.cooldowns).length,
    recentResponses: recalled.recentResponses.length,
  });
}

function detail(record: DecisionRecord, key: string): string | undefined {
  const value = record.details?.[key];
  return typeof value === 'string' ? value : undefined;
}

function recalledDecisionOf(record: DecisionRecord) {
  return {
    id: record.eventId,
    origin: detail(record, 'origin') ?? 'event',
    eventType: record.eventType,
    action: record.action,
    status: detail(record, 'status') ?? (record.executed ? 'succeeded' : 'skipped'),
    decidedAt: Date.parse(record.decidedAt),
    clearedCooldown: detail(record, 'clearedCooldown'),
    severity: record.severity,
    runAt: detail(record, 'runAt') !== undefined ? Date.parse(detail(record, 'runAt')!) : undefined,
    reason: record.reason,
  };
}

/** The history entry of a recalled audit row (its reason may be shortened; the trail has it whole). */
function entryOf(record: DecisionRecord): DecisionEntry {
  const entry: DecisionEntry = {
    id: record.eventId,
    origin: (detail(record, 'origin') ?? 'event') as DecisionOrigin,
    eventType: record.eventType,
    severity: record.severity,
    action: record.action,
    executed: record.executed,
    status: (detail(record, 'status') ?? (record.executed ? 'succeeded' : 'skipped')) as DecisionStatus,
    reason: record.reason,
    decidedAt: record.decidedAt,
  };
  for (const key of [
    'tableAction',
    'triggeringEventId',
    'cooldownUntil',
    'runAt',
    'operator',
    'clearedCooldown',
  ] as const) {
    const value = detail(record, key);
    if (value !== undefined) entry[key] = value;
  }
  return entry;
}
