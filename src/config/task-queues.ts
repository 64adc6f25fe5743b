import type { RoleConfig } from './roles';
import type { TemporalConfig } from './temporal';

/** The three task queues of the product, with VIDEO_TASK_QUEUE's default filled in. */
export interface TaskQueues {
  /** Guardians, retrain children, daily reports (TEMPORAL_TASK_QUEUE). */
  general: string;
  /** The video analysis workflow and its light activities. */
  video: string;
  /** Activities that run next to the detector (frames, detector batches). */
  videoDetector: string;
}

export function taskQueues(config: { temporal: TemporalConfig; roles: RoleConfig }): TaskQueues {
  return {
    general: config.temporal.taskQueue,
    video: config.roles.videoTaskQueue ?? config.temporal.taskQueue,
    videoDetector: config.roles.videoDetectorTaskQueue,
  };
}

/**
 * A detector queue shared with workflow work would hand workflow tasks to GPU workers that do
 * not register them; say so before anything starts.
 */
export function taskQueueClashes(queues: TaskQueues): string[] {
  if (queues.videoDetector !== queues.general && queues.videoDetector !== queues.video) return [];
  return [
    `VIDEO_DETECTOR_TASK_QUEUE=${JSON.stringify(queues.videoDetector)} is also TEMPORAL_TASK_QUEUE or VIDEO_TASK_QUEUE: expected a queue of its own`,
  ];
}
