import type { KafkaMessage } from 'kafkajs';
import { guardianWorkflowId, videoWorkflowId } from '../../src/contracts/workflows';
import { finishVideoSignal } from '../fixtures/bridge-workflows';
import {
  driftEvent,
  guardianEvents,
  produce,
  readTopic,
  systemEvent,
  videoEvent,
  waitFor,
  workflowRuns,
  useInProcessBridge,
} from '../helpers/bridge-harness';
import { uniqueName } from '../helpers/stack';
import { startScriptedReceiver } from '../helpers/fake-alert-receivers';
import { createPgPool } from '../../src/clients/postgres';
import { migrate } from '../../src/db/migrate';

describe('Kafka bridge: duplicate deliveries (real Kafka + Temporal)', () => {
  // A JSON webhook where the duplicate-job alarm must arrive at once; its URL is known only once it
  // listens, so the settings object is filled in before the bridge world reads it.
  let receiver: Awaited<ReturnType<typeof startScriptedReceiver>>;
  const env: NodeJS.ProcessEnv = {};
  beforeAll(async () => {
    receiver = await startScriptedReceiver([{ status: 200, body: {} }]);
    env.ALERT_JSON_WEBHOOK_URL = receiver.hookUrl;
    const pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
    await migrate(pool);
    await pool.end();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  const world = useInProcessBridge({ env });

  it('starts one video job per upload: a redelivery while it runs or after it finished starts nothing; only a re-analysis request starts a new run, once', async () => {
    const videoId = uniqueName('video');
    const workflowId = videoWorkflowId(videoId);
    const upload = videoEvent(videoId);
    const sameUploadAgain = JSON.stringify(upload);
    const duplicates = () => world.running.bridge.metrics.duplicates.get({ workflow: 'video' });

    // The identical message twice, and a second upload event (new event id) for the same video.
    await produce(world.t.producer, world.t.topics.video, [
      { key: videoId, value: sameUploadAgain },
      { key: videoId, value: sameUploadAgain },
      { key: videoId, value: JSON.stringify(videoEvent(videoId)) },
    ]);
    await waitFor(
      'two duplicates counted',
      async () => duplicates(),
      (n) => n === 2,
    );
    expect(await workflowRuns(world.t.temporal.client, workflowId)).toEqual([
      expect.objectContaining({ status: 'RUNNING' }),
    ]);

    // Each duplicate is announced on system.alerts (README "Video analysis": "duplicate job detected").
    const isDuplicateAlert = (m: KafkaMessage) =>
      JSON.parse(m.value!.toString()).event_type === 'duplicate_job_detected';
    const alerts = (
      await readTopic(world.t.kafka, world.t.topics.alerts, (ms) => ms.filter(isDuplicateAlert).length >= 2)
    ).filter(isDuplicateAlert);
    expect(alerts.map((a) => JSON.parse(a.value!.toString()))).toEqual([
      expect.objectContaining({ workflow_id: workflowId, video_key: videoId, priority: 'high' }),
      expect.objectContaining({ workflow_id: workflowId, video_key: videoId, priority: 'high' }),
    ]);
    // …and reaches people at once, not in the next warning batch: one message per duplicate.
    await waitFor(
      'both duplicate alarms at the webhook',
      async () => receiver.requests.filter((r) => r.rawBody.includes(videoId)).length,
      (n) => n === 2,
    );
    const sent = receiver.requests
      .filter((r) => r.rawBody.includes(videoId))
      .map((r) => (r.body as { alerts: Array<Record<string, unknown>> }).alerts[0]);
    expect(sent).toEqual([
      expect.objectContaining({ source: 'bridge', kind: 'duplicate_job', subject: videoId }),
      expect.objectContaining({ source: 'bridge', kind: 'duplicate_job', subject: videoId }),
    ]);

    // After the job finished, the same upload again still starts nothing.
    const job = world.t.temporal.client.workflow.getHandle(workflowId);
    await job.signal(finishVideoSignal);
    await job.result();
    await produce(world.t.producer, world.t.topics.video, [{ key: videoId, value: sameUploadAgain }]);
    await waitFor(
      'third duplicate counted',
      async () => duplicates(),
      (n) => n === 3,
    );
    expect(await workflowRuns(world.t.temporal.client, workflowId)).toEqual([
      expect.objectContaining({ status: 'COMPLETED' }),
    ]);

    // A deliberate re-analysis starts a new run — and its own redelivery does not start a third.
    const reanalysis = JSON.stringify(videoEvent(videoId, { reanalyze: true }));
    await produce(world.t.producer, world.t.topics.video, [{ key: videoId, value: reanalysis }]);
    const runs = await waitFor(
      'the re-analysis run',
      () => workflowRuns(world.t.temporal.client, workflowId),
      (r) => r.length === 2,
    );
    expect(runs.map((r) => r.status).sort()).toEqual(['COMPLETED', 'RUNNING']);
    await produce(world.t.producer, world.t.topics.video, [{ key: videoId, value: reanalysis }]);
    await waitFor(
      'the repeated re-analysis counted as a duplicate',
      async () => duplicates(),
      (n) => n === 4,
    );
    expect(await workflowRuns(world.t.temporal.client, workflowId)).toHaveLength(2);
    expect(world.running.bridge.metrics.delivered.get({ workflow: 'video', outcome: 'started' })).toBe(2);
    await job.signal(finishVideoSignal);
  }, 180_000);

  // The bridge sends an event's signal with a request id derived from its event_id, and Temporal
  // drops a repeated request id. A repeat that queued behind the first may instead travel in the
  // same batch signal: then the guardian (and this fixture, like it) drops the event id it has
  // seen — which also covers a redelivery that arrives after the guardian continued-as-new.
  it('processes the same model event delivered twice only once (Temporal drops the repeated signal, the guardian a repeated event id)', async () => {
    const model = uniqueName('model');
    const first = driftEvent(model);
    const second = systemEvent(model, 'system_overload');
    const third = systemEvent(model, 'prediction_latency_high');
    await produce(world.t.producer, world.t.topics.drift, [
      // The very first delivery starts the guardian, then signals it; the repeat must still be dropped.
      { key: model, value: JSON.stringify(first) },
      { key: model, value: JSON.stringify(first) },
    ]);
    await produce(world.t.producer, world.t.topics.systemMetrics, [
      { key: model, value: JSON.stringify(second) },
      { key: model, value: JSON.stringify(second) },
      { key: model, value: JSON.stringify(third) },
    ]);
    await produce(world.t.producer, world.t.topics.drift, [{ key: model, value: JSON.stringify(first) }]);

    await waitFor(
      'all five deliveries accepted',
      async () => world.running.bridge.metrics.delivered.get({ workflow: 'guardian', outcome: 'signalled' }),
      (n) => n >= 6,
    );
    const received = await waitFor(
      'three events',
      () => guardianEvents(world.t.temporal.client, guardianWorkflowId(model)),
      (r) => r.length >= 3,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const settled = await guardianEvents(world.t.temporal.client, guardianWorkflowId(model));
    expect(settled.map((r) => r.eventId).sort()).toEqual(
      [first, second, third].map((e) => e.event_id).sort(),
    );
    expect(received).toHaveLength(3);
  }, 120_000);
});
