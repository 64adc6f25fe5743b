import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createVideoPool } from '../clients/postgres';
import { temporalConnectionOptions } from '../clients/temporal';
import type { ServiceContext } from './service-context';

/** Built by `npm run build`; without it (ts-node, tests) the worker bundles from source. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown()). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts the Temporal worker: our workflows and the activities built from the shared context. */
export async function startWorker(
  ctx: ServiceContext,
  overrides: Partial<WorkerOptions> = {},
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect(
    await temporalConnectionOptions(ctx.config.temporal, ctx.endpoints.temporalAddress),
  );
  const workflowSource: Partial<WorkerOptions> = fs.existsSync(WORKFLOW_BUNDLE_PATH)
    ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
    : { workflowsPath: require.resolve('../workflows') };
  const activityLogger = ctx.logger.child({ component: 'activities' });
  const videoPool = createVideoPool(ctx.pool, ctx.config.video.dbConnectTimeoutSeconds, (err) =>
    activityLogger.warn({ err: err.message }, 'idle PostgreSQL connection of video analysis failed'),
  );
  const worker = await Worker.create({
    connection,
    namespace: ctx.config.temporal.namespace,
    taskQueue: ctx.config.temporal.taskQueue,
    activities: createActivities({
      config: ctx.config,
      logger: activityLogger,
      pool: ctx.pool,
      videoPool,
      publisher: ctx.publisher,
    }),
    ...workflowSource,
    ...overrides,
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await videoPool.end();
  });
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
