// The Temporal worker of the benchmark: the recording stand-ins registered under the real
// workflow type names, so every signal the bridge sends is also processed by a worker.
import { NativeConnection, Worker } from '@temporalio/worker';
import { endWithParent, serveBenchParent } from '../lib/bench-child-side';

async function main(): Promise<void> {
  // Gone with the benchmark, however it ends: nothing else would stop this process.
  endWithParent();
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
    workflowsPath: require.resolve('../../test/fixtures/bridge-workflows'),
    maxCachedWorkflows: 500,
  });
  const running = worker.run();
  serveBenchParent(async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
