import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, NativeConnection, State, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivitiesByGroup } from '../activities';
import { temporalFailureCounter } from '../activities/video/fleet-failure-count';
import { createConfiguredAlertSender, startWarningBatches } from '../backends/alerts';
import { createVideoPool } from '../clients/postgres';
import { temporalConnectionOptions } from '../clients/temporal';
import { WORKER_ROLES, type RoleConfig, type WorkerRole } from '../config/roles';
import { taskQueues } from '../config/task-queues';
import { processWorkerMetrics } from '../metrics/worker-metrics';
import { stopFfmpegStandbys } from '../backends/video/ffmpeg-standby';
import type { ServiceContext } from './service-context';
import { activityGroupIndex, activityPerformanceInterceptor } from './activity-performance';
import { planWorkers, type QueueWorkerPlan } from './worker-plan';
import { WORKFLOW_TRACING_MODULE, workerTracingOptions } from './worker-tracing';

/** Built by `npm run build`; without it (ts-node, tests) the worker bundles from source. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

export interface RunningWorker {
  /** One Temporal worker per task queue the roles poll. */
  workers: Worker[];
  /** The task queues polled, in the order of `workers`. */
  taskQueues: string[];
  /** RUNNING while every queue's worker runs; otherwise the first one that does not. */
  getState(): State;
  /** Resolves when every worker has stopped (after shutdown()); rejects when one fails. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts the Temporal workers of some roles (default: all, as `npm start` does): one per task
 * queue, over one connection, with the activities built from the shared context.
 */
export async function startWorker(
  ctx: ServiceContext,
  overrides: Partial<WorkerOptions> = {},
  roles: readonly WorkerRole[] = WORKER_ROLES,
): Promise<RunningWorker> {
  const plans = planWorkers(roles, taskQueues(ctx.config));
  const connection = await NativeConnection.connect(
    await temporalConnectionOptions(ctx.config.temporal, ctx.endpoints.temporalAddress),
  );
  const activityLogger = ctx.logger.child({ component: 'activities' });
  const videoPool = createVideoPool(ctx.pool, ctx.config.video.dbConnectTimeoutSeconds, (err) =>
    activityLogger.warn({ err: err.message }, 'idle PostgreSQL connection of video analysis failed'),
  );
  // One sender for every activity of the process; its timer sends the waiting warnings.
  const alertSender = createConfiguredAlertSender(ctx.config, ctx.pool, activityLogger, processWorkerMetrics);
  const warningBatches = startWarningBatches(
    alertSender,
    ctx.config.alerting.warningBatchSeconds * 1000,
    activityLogger,
    // A group goes out within a tick of its due time: every 5 s, or the wait itself when shorter.
    ctx.config.alerting.groupWaitSeconds > 0
      ? Math.min(5, ctx.config.alerting.groupWaitSeconds) * 1000
      : undefined,
  );
  const deps = {
    config: ctx.config,
    logger: activityLogger,
    pool: ctx.pool,
    videoPool,
    publisher: ctx.publisher,
    alertSender,
    // Reported with the process's own client: a failure is counted whether or not its activity still runs.
    fleetFailures: temporalFailureCounter({
      taskQueue: taskQueues(ctx.config).video,
      threshold: ctx.config.video.dbFailureAlertCount,
      windowMinutes: ctx.config.video.dbFailureWindowMinutes,
      client: () => ctx.temporal.client,
    }),
  };
  const closeAlerting = async () => {
    await warningBatches.stop();
    alertSender.close();
  };
  const workers: Worker[] = [];
  try {
    const workflowSource = await workflowSourceFor(plans);
    const tracing = workerTracingOptions(ctx.tracing);
    for (const plan of plans) {
      const byGroup = createActivitiesByGroup(deps, plan.activities);
      // Outermost, so an activity's recorded time includes what the tracing interceptor adds.
      const performance = activityPerformanceInterceptor(ctx.logger, activityGroupIndex(byGroup));
      workers.push(
        await Worker.create({
          connection,
          namespace: ctx.config.temporal.namespace,
          taskQueue: plan.taskQueue,
          activities: Object.assign({}, ...Object.values(byGroup)) as object,
          sinks: tracing.sinks,
          // The detector queue carries activities only: a GPU worker runs no workflow code.
          ...(plan.workflows ? workflowSource : {}),
          interceptors: {
            ...tracing.interceptors,
            activity: [performance, ...(tracing.interceptors?.activity ?? [])],
            ...(plan.workflows ? workflowSource.interceptors : {}),
          },
          ...workerSizing(ctx.config.roles),
          ...overrides,
        }),
      );
    }
  } catch (err) {
    await connection.close();
    await videoPool.end();
    await closeAlerting();
    throw err;
  }
  // One stopping worker stops the others: a process is healthy with all its queues or none.
  const runs = workers.map((w) =>
    w.run().catch((err: unknown) => {
      for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
      throw err;
    }),
  );
  const done = Promise.all(runs)
    .then(() => undefined)
    .finally(async () => {
      await connection.close();
      await videoPool.end();
      await closeAlerting();
      stopFfmpegStandbys();
    });
  return {
    workers,
    taskQueues: plans.map((p) => p.taskQueue),
    getState: () => workers.map((w) => w.getState()).find((s) => s !== 'RUNNING') ?? 'RUNNING',
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

/** The WORKER_MAX_* settings that are set; unset ones leave the SDK's defaults in place. */
function workerSizing(roles: RoleConfig): Partial<WorkerOptions> {
  const sizing: Partial<WorkerOptions> = {
    maxCachedWorkflows: roles.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: roles.maxConcurrentWorkflowTasks,
    maxConcurrentActivityTaskExecutions: roles.maxConcurrentActivities,
  };
  return Object.fromEntries(Object.entries(sizing).filter(([, v]) => v !== undefined));
}

/** The built bundle, else one bundle from source shared by every workflow queue's worker. */
async function workflowSourceFor(plans: QueueWorkerPlan[]): Promise<Partial<WorkerOptions>> {
  if (!plans.some((p) => p.workflows)) return {};
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH)) return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  const workflowsPath = require.resolve('../workflows');
  const workflowInterceptorModules = [WORKFLOW_TRACING_MODULE];
  if (plans.filter((p) => p.workflows).length === 1) {
    // The worker bundles it, with the interceptor modules its options name.
    return { workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } };
  }
  return { workflowBundle: await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules }) };
}
