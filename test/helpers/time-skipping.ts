import { TestWorkflowEnvironment } from '@temporalio/testing';

/** The SDK gives the test server 5 s to listen, which a machine under load can miss. */
const START_ATTEMPTS = 5;

/**
 * The official Temporal time-skipping test server, provisioned by the project (never
 * downloaded at run time), on a loopback port chosen by the SDK. A start that missed the SDK's
 * fixed 5 s is tried again on a new port: on a busy machine the server is slow, not broken.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test`');
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path } },
      });
    } catch (err) {
      const slowStart = err instanceof Error && err.message.includes('did not start within');
      if (!slowStart || attempt === START_ATTEMPTS) throw err;
      console.warn(`time-skipping test server slow to start (attempt ${attempt}): trying again`);
    }
  }
}
