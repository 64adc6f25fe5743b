import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger } from '../logger';
import { WORKFLOW_BUNDLE_PATH } from './worker';
import { WORKFLOW_TRACING_MODULE } from './worker-tracing';

const logger = createLogger({ level: 'info', pretty: false }).child({ component: 'build' });

/** Build step: bundles the workflow code once so the production worker starts fast. */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
  });
  fs.writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  logger.info(
    { path: WORKFLOW_BUNDLE_PATH, sizeKiB: Math.round(code.length / 1024) },
    'workflow bundle written',
  );
}

main().catch((err: Error) => {
  logger.fatal({ err }, 'bundling the workflow code failed');
  process.exit(1);
});
