import { emptyPolicyState, resolveGuardianSettings } from '../../domain/policy';
import type { GuardianCarriedState, GuardianRunInput } from './types';

/** The state of a guardian's first run (settings from the start input, defaults for the rest). */
export function initialGuardianState(input: GuardianRunInput): GuardianCarriedState {
  return {
    settings: resolveGuardianSettings(input.settings ?? {}),
    policy: emptyPolicyState(),
    seenEventIds: [],
    history: [],
    paused: null,
    queuedEvents: [],
    counters: {
      processedEvents: 0,
      duplicateEvents: 0,
      rejectedSignals: 0,
      failedActions: 0,
      auditWriteFailures: 0,
    },
    recentRejections: [],
    runningRetrains: {},
    previousRuns: 0,
  };
}
