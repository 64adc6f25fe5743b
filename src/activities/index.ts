import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';

/** Every activity the worker registers, built from injected clients. */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
