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

/** The activities of some groups only: what one task queue's worker registers. */
export function createActivityGroups(deps: VideoActivityDeps, groups: readonly ActivityGroup[]) {
  const video = splitVideoActivities(createVideoActivities(deps));
  return {
    ...(groups.includes('guardian') ? createGuardianActivities(deps) : {}),
    ...(groups.includes('report') ? createReportActivities(deps) : {}),
    ...(groups.includes('video') ? { ...video.rest, ...createVideoFleetAlarmActivities(deps) } : {}),
    ...(groups.includes('video-detector') ? video.detectorHost : {}),
  };
}

export type Activities = ReturnType<typeof createActivities>;
