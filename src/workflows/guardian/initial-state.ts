import { DEFAULT_GUARDIAN_SETTINGS, emptyPolicyState, resolveGuardianSettings } from '../../domain/policy';
import type { GuardianCarriedState, GuardianRunInput, PauseInfo } from '../../contracts/guardian-messages';

/**
 * The state of a guardian's first run: settings from the start input, defaults for the rest.
 * Settings that do not validate must not wedge the guardian nor act at the wrong hours: it starts
 * paused on the defaults, and the pause reason says what to fix (settings command, then resume).
 */
export function initialGuardianState(input: GuardianRunInput, now: number): GuardianCarriedState {
  let settings = DEFAULT_GUARDIAN_SETTINGS;
  let paused: PauseInfo | null = null;
  try {
    settings = resolveGuardianSettings(input.settings ?? {});
  } catch (err) {
    paused = {
      reason: `${(err as Error).message}; fix them with the 'settings' command, then 'resume'`,
      since: now,
    };
  }
  return {
    settings,
    policy: emptyPolicyState(),
    seenEventIds: [],
    history: [],
    paused,
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
