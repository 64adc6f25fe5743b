/** What a training job is asked to do; the same for every backend. */
export interface TrainingJobSpec {
  modelName: string;
  modelVersion?: string;
  reason: string;
  priority: 'high' | 'normal';
  triggeringEventId: string;
}

export type TrainingJobEnd = 'succeeded' | 'failed' | 'cancelled';

export interface TrainingJobOutcome {
  status: TrainingJobEnd;
  /** Why it failed, or a short summary of the run. */
  detail?: string;
  newVersion?: string;
}

export interface FollowOptions {
  /** Aborted when the activity is cancelled: stop waiting (the caller decides whether to stop the job). */
  signal: AbortSignal;
  /** Called whenever the job shows life (a poll answer, an output line), to heartbeat. */
  onProgress(progress?: number): void;
}

/** A place training jobs run: an HTTP training service or a local command. */
export interface TrainingBackend {
  readonly kind: 'http' | 'local';
  /** Whether a job keeps running, and can be followed again, when this worker process goes away. */
  readonly jobsOutliveWorker: boolean;
  /** Starts a job; returns its id. */
  submit(spec: TrainingJobSpec): Promise<string>;
  /**
   * Follows a job to its end. Undefined means this backend no longer knows the job (a local
   * process that died with its worker), so it has to be submitted again.
   */
  follow(jobId: string, options: FollowOptions): Promise<TrainingJobOutcome | undefined>;
  /** Stops a job that is no longer wanted; best effort, never throws. */
  stop(jobId: string): Promise<void>;
}
