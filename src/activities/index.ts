import { createGuardianActivities } from './guardian';
import { createReportActivities } from './report';
import { createVideoActivities, type VideoActivityDeps } from './video';

export type { ActivityDeps } from './deps';
export type { VideoActivityDeps } from './video';

/** Every activity the worker registers, built from injected clients. */
export function createActivities(deps: VideoActivityDeps) {
  return {
    ...createGuardianActivities(deps),
    ...createReportActivities(deps),
    ...createVideoActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
