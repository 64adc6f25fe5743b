// The Temporal worker of the benchmark: the recording stand-ins registered under the real
// workflow type names, so every signal the bridge sends is also processed by a worker.
import { NativeConnection, Worker } from '@temporalio/worker';
import { peakRssMiB } from '../lib/results';
import { endWithParent } from '../../src/workers/exit-path';

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
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    worker.shutdown();
    void running.then(async () => {
      await connection.close();
      process.send!({ type: 'stopped', peakRssMiB: peakRssMiB() }, () => process.exit(0));
    });
  });
  process.send!({ type: 'ready' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
