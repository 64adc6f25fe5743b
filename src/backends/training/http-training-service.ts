import { ApplicationFailure } from '@temporalio/common';
import { idempotencyKey } from '../http/idempotency-key';
import { z } from 'zod';
import type { Logger } from '../../logger';
import { abortableSleep } from '../abortable-sleep';
import { BACKEND_UNAVAILABLE_FAILURE } from '../../contracts/backend-failures';
import { callHttpBackend, HttpBackendTarget, parseReply } from '../http/http-backend';
import type { FollowOptions, TrainingBackend, TrainingJobOutcome, TrainingJobSpec } from './training-backend';

const submitted = z.object({ job_id: z.string().min(1) });

const jobStatus = z.object({
  job_id: z.string().optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  detail: z.string().nullish(),
  new_version: z.union([z.string(), z.number()]).nullish(),
  progress: z.number().min(0).max(1).nullish(),
});

export interface HttpTrainingServiceOptions {
  baseUrl: string;
  pollIntervalMs: number;
  timeoutMs: number;
  logger: Logger;
  /** Consecutive failed polls tolerated before the attempt fails (and is retried, resuming the job). */
  maxConsecutivePollFailures?: number;
}

/**
 * The HTTP training service (contract in the README, "Backends"):
 * POST /jobs submits, GET /jobs/{id} polls, DELETE /jobs/{id} cancels.
 */
export function createHttpTrainingService(options: HttpTrainingServiceOptions): TrainingBackend {
  const target: HttpBackendTarget = {
    label: 'training service',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
  };
  const maxPollFailures = options.maxConsecutivePollFailures ?? 5;

  async function poll(jobId: string, signal: AbortSignal) {
    const reply = await callHttpBackend(target, {
      method: 'GET',
      path: ['jobs', jobId],
      accept: [404],
      signal,
    });
    if (reply.status === 404) return undefined;
    return parseReply(target, reply, jobStatus);
  }

  return {
    kind: 'http',
    jobsOutliveWorker: true,

    async submit(spec: TrainingJobSpec): Promise<string> {
      const reply = await callHttpBackend(target, {
        method: 'POST',
        path: ['jobs'],
        // The service may use it to answer a repeated submit with the job it already started.
        headers: { 'idempotency-key': idempotencyKey(spec.modelName, spec.triggeringEventId) },
        body: {
          model_name: spec.modelName,
          model_version: spec.modelVersion ?? null,
          reason: spec.reason,
          priority: spec.priority,
          triggering_event_id: spec.triggeringEventId,
        },
      });
      return parseReply(target, reply, submitted).job_id;
    },

    async follow(
      jobId: string,
      { signal, onProgress }: FollowOptions,
    ): Promise<TrainingJobOutcome | undefined> {
      let failures = 0;
      for (;;) {
        let status: z.infer<typeof jobStatus> | undefined;
        try {
          status = await poll(jobId, signal);
          failures = 0;
        } catch (err) {
          const retryable =
            err instanceof ApplicationFailure && err.type === BACKEND_UNAVAILABLE_FAILURE && !signal.aborted;
          if (!retryable || ++failures > maxPollFailures) throw err;
          // A blip while a long job runs should not cost an activity attempt.
          options.logger.warn(
            { job_id: jobId, failures, err: (err as Error).message },
            'training status poll failed',
          );
          await abortableSleep(options.pollIntervalMs, signal);
          continue;
        }
        if (!status) {
          return { status: 'failed', detail: `the training service no longer knows job ${jobId} (HTTP 404)` };
        }
        if (status.status === 'queued' || status.status === 'running') {
          onProgress(status.progress ?? undefined);
          await abortableSleep(options.pollIntervalMs, signal);
          continue;
        }
        return {
          status: status.status,
          detail: status.detail ?? undefined,
          newVersion: status.new_version == null ? undefined : String(status.new_version),
        };
      }
    },

    async stop(jobId: string): Promise<void> {
      try {
        await callHttpBackend(target, { method: 'DELETE', path: ['jobs', jobId], accept: [404, 409] });
      } catch (err) {
        options.logger.warn(
          { job_id: jobId, err: (err as Error).message },
          'cancelling the training job failed',
        );
      }
    },
  };
}
