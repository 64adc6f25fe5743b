/**
 * A performance record for every activity this worker runs, in the form the daily report reads
 * (`operation` + `durationMs` on a JSON line, log-analysis/json-line.ts), so the report on the
 * product's own logs has figures about the product: how long each activity took, by component.
 *
 * The component says what kind of work the activity is, and with it the report's slow threshold:
 * video and report activities process data ("processing": 30 s), guardian activities are
 * "anything else" (10 s).
 */
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ActivityGroup } from '../activities';
import type { Logger } from '../logger';

const COMPONENT_OF_GROUP: Readonly<Record<ActivityGroup, string>> = {
  guardian: 'guardian activities',
  report: 'report processing',
  video: 'video processing',
  'video-detector': 'video processing',
};

/**
 * Activities whose time is an outside system's, not ours: a RETRAIN follows the training job to
 * its end, hours with a real training service. As a slow operation it would lower the product's
 * health score every time a model trains; the job's own duration is in its completion event.
 */
const NOT_PRODUCT_TIME = new Set(['runTrainingJob']);

export type ActivityOutcome = 'completed' | 'failed' | 'cancelled';

function outcomeOf(err: unknown): ActivityOutcome {
  return err instanceof CancelledFailure ? 'cancelled' : 'failed';
}

/**
 * The interceptor factory: `groupOf` says which group an activity type belongs to (one this
 * worker registers). Logged at info level, one line per attempt, failed ones included (with
 * `outcome`): a slow failure is a slow operation too.
 */
export function activityPerformanceInterceptor(
  logger: Logger,
  groupOf: (activityType: string) => ActivityGroup | undefined,
): ActivityInterceptorsFactory {
  const loggers = new Map<string, Logger>();
  const loggerFor = (component: string) => {
    let child = loggers.get(component);
    if (!child) loggers.set(component, (child = logger.child({ component })));
    return child;
  };
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const { activityType, attempt, taskQueue } = ctx.info;
        const group = groupOf(activityType);
        if (group === undefined || NOT_PRODUCT_TIME.has(activityType)) return next(input);
        const startedAt = performance.now();
        let outcome: ActivityOutcome = 'completed';
        try {
          return await next(input);
        } catch (err) {
          outcome = outcomeOf(err);
          throw err;
        } finally {
          const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
          loggerFor(COMPONENT_OF_GROUP[group]).info(
            { operation: activityType, durationMs, outcome, attempt, taskQueue },
            'activity finished',
          );
        }
      },
    },
  });
}

/** Which group each activity of `byGroup` belongs to. */
export function activityGroupIndex(byGroup: Partial<Record<ActivityGroup, object>>) {
  const index = new Map<string, ActivityGroup>();
  for (const [group, activities] of Object.entries(byGroup) as Array<[ActivityGroup, object]>) {
    for (const name of Object.keys(activities)) index.set(name, group);
  }
  return (activityType: string) => index.get(activityType);
}
