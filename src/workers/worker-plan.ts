/**
 * Which Temporal workers a process runs for its roles: one per task queue it polls, each
 * registering what that queue carries.
 *
 * Temporal hands a queue's tasks to any of its pollers, so every worker of one queue must
 * register the same workflows and activities: a task landing on a worker without its type
 * fails (and an activity loses a retry attempt). Hence a worker registers the work of every
 * role that lives on its queue, not only of the roles its process was given: with
 * VIDEO_TASK_QUEUE unset, guardian and video share TEMPORAL_TASK_QUEUE and share its work.
 */
import type { ActivityGroup } from '../activities';
import type { WorkerRole } from '../config/roles';
import type { TaskQueues } from '../config/task-queues';

export interface QueueWorkerPlan {
  taskQueue: string;
  /** Workflow queues register the workflow bundle; the detector queue carries activities only. */
  workflows: boolean;
  activities: ActivityGroup[];
}

/** What each queue carries. */
function queueContents(queues: TaskQueues): Map<string, QueueWorkerPlan> {
  const plans = new Map<string, QueueWorkerPlan>();
  const add = (taskQueue: string, workflows: boolean, groups: ActivityGroup[]) => {
    const plan = plans.get(taskQueue) ?? { taskQueue, workflows: false, activities: [] };
    plan.workflows ||= workflows;
    for (const g of groups) if (!plan.activities.includes(g)) plan.activities.push(g);
    plans.set(taskQueue, plan);
  };
  add(queues.general, true, ['guardian', 'report']);
  // The detector activities are registered here too: video runs started before they had a
  // queue of their own schedule them on the workflow's queue, and must still find them.
  add(queues.video, true, ['video', 'video-detector']);
  add(queues.videoDetector, false, ['video-detector']);
  return plans;
}

/** The queues a role polls. */
function queuesOfRole(role: WorkerRole, queues: TaskQueues): string[] {
  switch (role) {
    case 'guardian':
    case 'report':
      return [queues.general];
    case 'video':
      return [queues.video, queues.videoDetector];
    case 'video-detector':
      return [queues.videoDetector];
    case 'bridge':
      return [];
  }
}

/** One worker per queue the roles poll (none for a bridge-only process). */
export function planWorkers(roles: readonly WorkerRole[], queues: TaskQueues): QueueWorkerPlan[] {
  const contents = queueContents(queues);
  const polled = new Set(roles.flatMap((role) => queuesOfRole(role, queues)));
  return [...polled].map((queue) => contents.get(queue)!);
}
