import { Context } from '@temporalio/activity';
import { deterministicUuid } from '../../backends/deterministic-id';
import type { TrainingBackend, TrainingJobOutcome, TrainingJobSpec } from '../../backends/training';
import { createTrainingJobStore } from '../../backends/training/training-job-store';
import type { ActivityDeps } from '../deps';
import type { TrainingRequest, TrainingResult } from '../../contracts/guardian-activities';

/** What an attempt heartbeats: enough for the next attempt to follow the same job. */
export interface TrainingHeartbeat {
  jobId: string;
  backend: string;
  progress?: number;
}

// Heartbeats also carry cancellation to us, so they go out even while a job is silent.
const HEARTBEAT_EVERY_MS = 5_000;

// Cancellation reasons after which nobody will come back for the job (as opposed to a timed-out
// or paused attempt, whose retry re-attaches to it).
const ABANDONING_REASONS = new Set(['CANCELLED', 'NOT_FOUND', 'RESET']);

function heartbeatFrom(details: unknown, backend: string): TrainingHeartbeat | undefined {
  const hb = details as Partial<TrainingHeartbeat> | undefined;
  return hb && typeof hb.jobId === 'string' && hb.backend === backend ? (hb as TrainingHeartbeat) : undefined;
}

/**
 * RETRAIN: submits a training job and follows it to its end with heartbeats. A retried attempt
 * re-attaches to the job an earlier attempt started (heartbeat details, else the job table)
 * instead of submitting a second one. A failed job is a result, not an error.
 */
export function createRunTrainingJob(deps: ActivityDeps, backendOf: () => TrainingBackend) {
  const jobs = createTrainingJobStore(deps.pool);
  const { topicTrainingStarted, topicTrainingCompleted } = deps.config.kafka;

  function announceStart(jobId: string, spec: TrainingJobSpec, backend: string) {
    return deps.publisher.publish(
      topicTrainingStarted,
      spec.modelName,
      'model_training_started',
      {
        model_name: spec.modelName,
        model_version: spec.modelVersion ?? null,
        job_id: jobId,
        reason: spec.reason,
        priority: spec.priority,
        triggering_event_id: spec.triggeringEventId,
        backend,
      },
      deterministicUuid('model.training.started', spec.modelName, spec.triggeringEventId, backend, jobId),
    );
  }

  function announceEnd(jobId: string, spec: TrainingJobSpec, backend: string, outcome: TrainingJobOutcome) {
    return deps.publisher.publish(
      topicTrainingCompleted,
      spec.modelName,
      'model_training_completed',
      {
        model_name: spec.modelName,
        job_id: jobId,
        status: outcome.status,
        detail: outcome.detail ?? null,
        new_version: outcome.newVersion ?? null,
        triggering_event_id: spec.triggeringEventId,
        backend,
      },
      deterministicUuid('model.training.completed', spec.modelName, spec.triggeringEventId, backend, jobId),
    );
  }

  return async function runTrainingJob(request: TrainingRequest): Promise<TrainingResult> {
    const backend = backendOf();
    const ctx = Context.current();
    const spec: TrainingJobSpec = request;
    const refTo = (jobId: string) => ({
      modelName: request.modelName,
      triggeringEventId: request.triggeringEventId,
      backend: backend.kind,
      jobId,
    });
    const log = deps.logger.child({
      activity: 'runTrainingJob',
      model_name: request.modelName,
      triggering_event_id: request.triggeringEventId,
      attempt: ctx.info.attempt,
    });

    // Which job, if any, an earlier attempt already started for this trigger.
    const resumed = heartbeatFrom(ctx.info.heartbeatDetails, backend.kind);
    const known = resumed
      ? await jobs.get(refTo(resumed.jobId))
      : await jobs.latestFor(request.modelName, request.triggeringEventId, backend.kind);
    if (known && (known.status === 'succeeded' || known.status === 'failed')) {
      log.info(
        { job_id: known.jobId, status: known.status },
        'training job already finished in an earlier attempt',
      );
      const outcome = { status: known.status, detail: known.detail, newVersion: known.newVersion };
      await announceEnd(known.jobId, spec, backend.kind, outcome);
      return { jobId: known.jobId, status: known.status, detail: known.detail, newVersion: known.newVersion };
    }
    let jobId: string | undefined = resumed?.jobId ?? (known?.status === 'running' ? known.jobId : undefined);

    let outcome: TrainingJobOutcome | undefined;
    for (let submissions = 0; !outcome;) {
      if (!jobId) {
        jobId = await backend.submit(spec);
        submissions++;
        // First thing after submitting: make the job id durable for the next attempt.
        ctx.heartbeat({ jobId, backend: backend.kind } satisfies TrainingHeartbeat);
        await jobs.started(refTo(jobId), spec);
        await announceStart(jobId, spec, backend.kind);
        log.info({ job_id: jobId, backend: backend.kind }, 'training job submitted');
      } else {
        log.info(
          { job_id: jobId, backend: backend.kind },
          're-attaching to the training job an earlier attempt started',
        );
      }

      const current: string = jobId;
      const beat = (progress?: number) =>
        ctx.heartbeat({ jobId: current, backend: backend.kind, progress } satisfies TrainingHeartbeat);
      const ticker = setInterval(() => beat(), HEARTBEAT_EVERY_MS);
      try {
        outcome = await backend.follow(current, { signal: ctx.cancellationSignal, onProgress: beat });
      } catch (err) {
        if (ctx.cancellationSignal.aborted) await onCancelled(current);
        throw err;
      } finally {
        clearInterval(ticker);
      }

      if (!outcome) {
        const lost: TrainingJobOutcome = {
          status: 'failed',
          detail: `job ${current} was lost with the worker process that ran it`,
        };
        await jobs.finished(refTo(current), lost);
        if (submissions > 0) {
          outcome = lost; // Lost twice in one attempt: report it rather than loop.
        } else {
          log.warn({ job_id: current }, 'training job was lost with its worker; starting it again');
          jobId = undefined;
        }
      }
    }

    const finalJobId = jobId!;
    await jobs.finished(refTo(finalJobId), outcome);
    await announceEnd(finalJobId, spec, backend.kind, outcome);
    const succeeded = outcome.status === 'succeeded';
    const detail =
      outcome.status === 'cancelled'
        ? `the training backend cancelled the job${outcome.detail ? `: ${outcome.detail}` : ''}`
        : outcome.detail;
    log[succeeded ? 'info' : 'warn'](
      { job_id: finalJobId, status: outcome.status, detail },
      'training job finished',
    );
    return {
      jobId: finalJobId,
      status: succeeded ? 'succeeded' : 'failed',
      detail,
      newVersion: outcome.newVersion,
    };

    async function onCancelled(current: string): Promise<void> {
      const reason = (ctx.cancellationSignal.reason as Error | undefined)?.message ?? 'CANCELLED';
      const abandon =
        ABANDONING_REASONS.has(reason) || (reason === 'WORKER_SHUTDOWN' && !backend.jobsOutliveWorker);
      if (!abandon) {
        log.info(
          { job_id: current, reason },
          'attempt interrupted; the training job keeps running for the next attempt',
        );
        return;
      }
      log.warn({ job_id: current, reason }, 'training cancelled: stopping the job');
      await backend.stop(current);
      const cancelled: TrainingJobOutcome = { status: 'cancelled', detail: `cancelled (${reason})` };
      await jobs.finished(refTo(current), cancelled);
      await announceEnd(current, spec, backend.kind, cancelled).catch((err: Error) =>
        log.warn({ err: err.message }, 'could not publish the cancelled training job'),
      );
    }
  };
}
