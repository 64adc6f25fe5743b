import { createGuardianActivities } from './guardian';
import { createReportActivities } from './report';
import {
  createVideoActivities,
  createVideoFleetAlarmActivities,
  splitVideoActivities,
  type VideoActivityDeps,
} from './video';

export type { ActivityDeps } from './deps';
export type { VideoActivityDeps } from './video';

/** Every activity the worker registers, built from injected clients. */
export function createActivities(deps: VideoActivityDeps) {
  return {
    ...createGuardianActivities(deps),
    ...createReportActivities(deps),
    ...createVideoActivities(deps),
    ...createVideoFleetAlarmActivities(deps),
  };
}

/** Activities by the role whose work they are; `video-detector` runs next to the detector. */
export type ActivityGroup = 'guardian' | 'report' | 'video' | 'video-detector';

/**
 * The activities of some groups only, each group's apart: what one task queue's worker
 * registers, and which group each activity belongs to (activity-performance.ts).
 */
export function createActivitiesByGroup(
  deps: VideoActivityDeps,
  groups: readonly ActivityGroup[],
): Partial<Record<ActivityGroup, object>> {
  const video = splitVideoActivities(createVideoActivities(deps));
  const all: Record<ActivityGroup, () => object> = {
    guardian: () => createGuardianActivities(deps),
    report: () => createReportActivities(deps),
    video: () => ({ ...video.rest, ...createVideoFleetAlarmActivities(deps) }),
    'video-detector': () => video.detectorHost,
  };
  return Object.fromEntries(groups.map((group) => [group, all[group]()]));
}

export type Activities = ReturnType<typeof createActivities>;
