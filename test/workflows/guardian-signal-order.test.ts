import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { guardianWorkflowId } from '../../src/contracts/workflows';
import { CappedBackoff } from '../../src/bridge/capped-backoff';
import { ConcurrencyLimit } from '../../src/bridge/concurrency-limit';
import { KeyedMutex } from '../../src/bridge/keyed-mutex';
import { LaneItem, PartitionLane } from '../../src/bridge/partition-lane';
import { createTemporalDelivery, type GuardianDelivery } from '../../src/bridge/temporal-delivery';
import { guardianHistoryQuery } from '../../src/workflows/guardian';
import { receivedEventsQuery } from '../fixtures/bridge-workflows';
import { systemEvent } from '../unit/policy/model-events';
import {
  eventually,
  RecordingBackends,
  registerSearchAttributes,
  WORKFLOWS_PATH,
} from '../helpers/guardian-workflow';
import { uniqueName } from '../helpers/stack';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { workflowBundle } from '../helpers/workflow-bundle';

/**
 * A guardian's first workflow task carries every signal that reached it before a worker picked
 * the task up: under load, several of the bridge's calls. The bridge sends a model's queued events
 * as one `modelEvents` signal and a lone event as `modelEvent`, so that task can hold a batch
 * followed by a single event. Each must still be taken in the order Temporal accepted it.
 *
 * Deterministic: the worker starts only after the bridge's lane delivered everything, so the
 * first task always holds all of it. The events go through the product's own lane and Temporal
 * delivery, exactly as the Kafka bridge sends them.
 */

jest.setTimeout(240_000);

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  await registerSearchAttributes(env);
});

afterAll(async () => {
  await env?.teardown();
});

/**
 * One model's events through a partition lane. Each fetch after the first arrives once the call
 * carrying the previous one has begun, as Kafka fetches arrive while Temporal calls are in flight.
 */
async function deliverThroughLane(taskQueue: string, fetches: GuardianDelivery[][]): Promise<void> {
  const delivery = createTemporalDelivery({ client: env.client, taskQueue, callTimeoutMs: 30_000 });
  const failures: unknown[] = [];
  const lane = new PartitionLane({
    mutex: new KeyedMutex(),
    limit: new ConcurrencyLimit(4),
    backoff: new CappedBackoff(50, 50),
    pause: () => undefined,
    resume: () => undefined,
    onProgress: () => undefined,
    onFailure: (f) => failures.push(f.error),
    onRecovered: () => undefined,
    highWater: 256,
    lowWater: 64,
    maxBatch: 100,
  });
  const waiting = [...fetches];
  const byOffset = new Map<bigint, GuardianDelivery>();
  let offset = 0n;
  let done = 0;
  const fetchNext = () => {
    const fetch = waiting.shift();
    if (!fetch) return;
    const items = fetch.map((d): LaneItem => {
      byOffset.set(offset, d);
      return {
        offset: offset++,
        key: d.workflowId,
        run: async () => {
          fetchNext();
          await delivery.deliver(d);
          done++;
        },
        runTogether: async (batch) => {
          fetchNext();
          await delivery.deliverToGuardian(batch.map((i) => byOffset.get(i.offset)!));
          done += batch.length;
        },
      };
    });
    lane.enqueue(items);
  };
  fetchNext();
  const total = fetches.flat().length;
  await eventually(async () => (done === total ? true : undefined), 'the lane to deliver every event');
  expect(failures).toEqual([]);
}

function guardianEvents(modelName: string, count: number): GuardianDelivery[] {
  return Array.from({ length: count }, (_, i) => ({
    workflow: 'guardian' as const,
    workflowId: guardianWorkflowId(modelName),
    modelName,
    event: systemEvent('heartbeat_missed', {
      model: modelName,
      severity: 'LOW',
      eventId: `${modelName}-e${i}`,
    }),
  }));
}

async function withWorker<T>(options: Parameters<typeof Worker.create>[0], fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create(options);
  const running = worker.run();
  try {
    return await fn();
  } finally {
    worker.shutdown();
    await running;
  }
}

// The first two events in one fetch (one `modelEvents` call, which starts the guardian), the
// third in the next fetch (a `modelEvent` call while the first task still waits), and so on.
const FETCHES = [[0, 1], [2], [3, 4], [5]];

describe('signals waiting for a guardian’s first workflow task', () => {
  it('are decided by the guardian in the order Temporal accepted them', async () => {
    const taskQueue = uniqueName('signal-order');
    const modelName = uniqueName('order-model');
    const events = guardianEvents(modelName, 6);
    await deliverThroughLane(
      taskQueue,
      FETCHES.map((f) => f.map((i) => events[i])),
    );
    const backends = new RecordingBackends();
    const decided = await withWorker(
      {
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(WORKFLOWS_PATH),
        activities: backends.activities(),
      },
      () =>
        eventually(async () => {
          const history = await env.client.workflow
            .getHandle(guardianWorkflowId(modelName))
            .query(guardianHistoryQuery, 100);
          return history.length === events.length ? history.map((e) => e.id).reverse() : undefined;
        }, 'every event decided'),
    );
    expect(decided).toEqual(events.map((d) => d.event.event_id));
  });

  it('are recorded by the bridge tests’ stand-in guardian in the order Temporal accepted them', async () => {
    const taskQueue = uniqueName('signal-order-fixture');
    const modelName = uniqueName('order-fixture-model');
    const events = guardianEvents(modelName, 6);
    await deliverThroughLane(
      taskQueue,
      FETCHES.map((f) => f.map((i) => events[i])),
    );
    const received = await withWorker(
      {
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(require.resolve('../fixtures/bridge-workflows')),
      },
      () =>
        eventually(async () => {
          const got = await env.client.workflow
            .getHandle(guardianWorkflowId(modelName))
            .query(receivedEventsQuery);
          return got.length === events.length ? got.map((e) => e.eventId) : undefined;
        }, 'every event received'),
    );
    expect(received).toEqual(events.map((d) => d.event.event_id));
  });
});
