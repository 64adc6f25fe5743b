import type { GuardianCarriedState, GuardianStateView } from '../../contracts/guardian-messages';
import { activeCooldowns, pruneResponses } from '../../domain/policy';
import { newestFirst } from './history';

const iso = (ms: number) => new Date(ms).toISOString();
/** Decisions the state query shows; the history query has them all. */
export const LAST_DECISIONS_IN_VIEW = 20;

/** Background work of the current run (actions and audit writes), by id. */
export type RunningWork = ReadonlyMap<string, { action: string; startedAt: number }>;

/** The state query: what an operator needs to understand the guardian right now. */
export function guardianStateView(
  modelName: string,
  state: GuardianCarriedState,
  running: RunningWork,
  now: number,
): GuardianStateView {
  const pending = state.policy.pendingRetrain;
  const watch = state.policy.promotionWatch;
  return {
    modelName,
    asOf: iso(now),
    paused: state.paused
      ? { reason: state.paused.reason, since: iso(state.paused.since), operator: state.paused.operator }
      : null,
    dryRun: state.settings.dryRun,
    settings: state.settings,
    cooldowns: Object.entries(activeCooldowns(state.policy.cooldowns, now)).map(([key, c]) => ({
      key,
      eventType: c.eventType,
      action: c.action,
      startedAt: iso(c.startedAt),
      until: iso(c.until),
      eventId: c.eventId,
    })),
    recentResponses: pruneResponses(state.policy.recentResponses, now).map((r) => ({ ...r, at: iso(r.at) })),
    pendingRetrain: pending
      ? {
          eventId: pending.eventId,
          runAt: iso(pending.runAt),
          decidedAt: iso(pending.decidedAt),
          reason: pending.reason,
        }
      : null,
    runningActions: [
      ...[...running.entries()].map(([id, r]) => ({ id, action: r.action, startedAt: iso(r.startedAt) })),
      ...Object.entries(state.runningRetrains).map(([id, r]) => ({
        id,
        action: 'RETRAIN',
        startedAt: iso(r.startedAt),
        workflowId: r.workflowId,
      })),
    ],
    lastDecisions: newestFirst(state.history, LAST_DECISIONS_IN_VIEW),
    historySize: state.history.length,
    counters: { ...state.counters },
    lastAction: state.lastAction,
    lastSeverity: state.lastSeverity,
    recentRejections: [...state.recentRejections],
    run: state.previousRuns + 1,
    ...(watch
      ? {
          promotionWatch: {
            ...watch,
            promotedAt: iso(watch.promotedAt),
            until: iso(watch.until),
          },
        }
      : {}),
  };
}

/** The one-line status the Web UI shows as the run's "current details". */
export function currentDetails(state: GuardianCarriedState, runningCount: number): string {
  return [
    state.paused ? `**paused**: ${state.paused.reason}` : state.settings.dryRun ? '**dry run**' : 'active',
    `last action: ${state.lastAction ?? 'none'} (${state.lastSeverity ?? '-'})`,
    `pending retrain: ${state.policy.pendingRetrain ? iso(state.policy.pendingRetrain.runAt) : 'none'}`,
    ...(state.policy.promotionWatch
      ? [
          `watching version ${state.policy.promotionWatch.toVersion} until ${iso(state.policy.promotionWatch.until)}`,
        ]
      : []),
    `running: ${runningCount + Object.keys(state.runningRetrains).length}`,
    `decisions: ${state.counters.processedEvents}`,
  ].join(' · ');
}
