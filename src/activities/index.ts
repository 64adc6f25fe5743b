import type { ActivityDeps } from './deps';
import { createGuardianActivities } from './guardian';
import { createReportActivities } from './report';
import { createVideoActivities } from './video';

export type { ActivityDeps } from './deps';

/** Every activity the worker registers, built from injected clients. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createGuardianActivities(deps),
    ...createReportActivities(deps),
    ...createVideoActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
