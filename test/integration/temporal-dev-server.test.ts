import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { MODEL_NAME } from '../../src/contracts/search-attributes';
import { finishSignal, waitForFinishWorkflow } from '../fixtures/infrastructure-workflows';
import { uniqueName } from '../helpers/stack';

const execFileAsync = promisify(execFile);

describe('Temporal dev server', () => {
  const address = process.env.TEMPORAL_ADDRESS!;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('runs a workflow started by the client, listed by the temporal CLI filtered by ModelName', async () => {
    const taskQueue = uniqueName('dev-server-test');
    const modelName = uniqueName('model');
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/infrastructure-workflows'),
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(waitForFinishWorkflow, {
        taskQueue,
        workflowId: uniqueName('wf'),
        typedSearchAttributes: [{ key: MODEL_NAME, value: modelName }],
      });

      // Visibility is eventually consistent: ask the real CLI until it lists the workflow.
      let listed: Array<{ execution: { workflowId: string } }> = [];
      for (let attempt = 0; attempt < 50 && listed.length === 0; attempt++) {
        const { stdout } = await execFileAsync(process.env.TEMPORAL_CLI_PATH!, [
          'workflow',
          'list',
          '--address',
          address,
          '--query',
          `ModelName = '${modelName}'`,
          '--output',
          'json',
        ]);
        listed = stdout.trim() ? JSON.parse(stdout) : [];
        if (listed.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(listed.map((w) => w.execution.workflowId)).toEqual([handle.workflowId]);

      await handle.signal(finishSignal);
      expect(await handle.result()).toBe('finished');
    });
    await workerConnection.close();
  });
});
