import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from '../../src/workers/worker-tracing';

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The workflow bundle of a workflows module, built once per test process (webpack takes
 * seconds on a busy machine): every worker and replay of the file reuses it. With the tracing
 * interceptors, as the product's bundle has them.
 */
export function workflowBundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
      logger: quietLogger,
    });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}
