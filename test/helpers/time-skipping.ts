import { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * The official Temporal time-skipping test server, provisioned by the project (never
 * downloaded at run time), on a loopback port chosen by the SDK.
 */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test`');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}
