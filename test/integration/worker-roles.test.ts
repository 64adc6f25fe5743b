import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPgPool } from '../../src/clients/postgres';
import {
  guardianWorkflowId,
  VIDEO_WORKFLOW_TYPE,
  videoStartPolicies,
  videoWorkflowId,
} from '../../src/contracts/workflows';
import { findFreePort } from '../../src/local-services/ports';
import { PROJECT_ROOT } from '../../src/local-services/provision';
import { startFakeDetectorServer } from '../helpers/fake-detector-server';
import { uniqueName } from '../helpers/stack';
import { makeTestVideo } from '../helpers/test-video';
import { driftEvent } from '../unit/policy/model-events';

/** `npm start` with some roles, on the test stack; resolves once it says it is running. */
async function startRoles(env: NodeJS.ProcessEnv, output: { text: string }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/workers/start.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, WORKER_HTTP_PORT: String(await findFreePort()), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output.text += d));
  child.stderr!.on('data', (d) => (output.text += d));
  const deadline = Date.now() + 120_000;
  while (
    !output.text.includes('mlops-guardian is running') &&
    Date.now() < deadline &&
    child.exitCode === null
  )
    await new Promise((r) => setTimeout(r, 250));
  if (!output.text.includes('mlops-guardian is running')) throw new Error(`not running: ${output.text}`);
  return child;
}

/** The audit row of one guardian decision, once written (the guardian decides asynchronously). */
async function decisionOf(model: string, eventId: string): Promise<Record<string, unknown>> {
  const pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await pool.query(
        'SELECT event_type, severity, action, executed FROM guardian_decisions WHERE model_name = $1 AND event_id = $2',
        [model, eventId],
      );
      if (rows.length > 0 || Date.now() > deadline) return rows[0];
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await pool.end();
  }
}

/** Identities (pid@host) of the workers that ran a history's workflow tasks and activities. */
async function identities(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const workflowTasks = new Set<string>();
  const activities: Array<{ type: string; queue: string; identity?: string }> = [];
  const scheduled = new Map<string, { type: string; queue: string }>();
  for (const e of history.events ?? []) {
    if (e.workflowTaskStartedEventAttributes?.identity)
      workflowTasks.add(e.workflowTaskStartedEventAttributes.identity);
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { type: s.activityType!.name!, queue: s.taskQueue!.name! });
    const started = e.activityTaskStartedEventAttributes;
    if (started)
      activities.push({ ...scheduled.get(String(started.scheduledEventId))!, identity: started.identity! });
  }
  return { workflowTasks, activities };
}

describe('worker roles (two npm start processes on one stack)', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  });

  it('decides guardian events in the guardian process and analyses videos with detector activities in the video process', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'roles-it-'));
    const detector = await startFakeDetectorServer();
    let connection: Connection | undefined;
    try {
      const video = await makeTestVideo(path.join(root, 'videos', 'clip.mp4'), {
        seconds: 2,
        size: '160x120',
      });
      const queues = {
        TEMPORAL_TASK_QUEUE: uniqueName('roles-general'),
        VIDEO_TASK_QUEUE: uniqueName('roles-video'),
        VIDEO_DETECTOR_TASK_QUEUE: uniqueName('roles-detector'),
      };
      const guardianOut = { text: '' };
      const videoOut = { text: '' };
      // The guardian process also runs the bridge, whose HTTP way in takes the test's event: a
      // worker role and the bridge in one process need (and get) two different ports.
      const bridgePort = await findFreePort();
      const guardian = await startRoles(
        {
          ...queues,
          WORKER_ROLES: 'guardian,bridge',
          DRY_RUN: 'true',
          BRIDGE_HTTP_PORT: String(bridgePort),
          // A group of its own from the topics' end: no other test's events reach these queues.
          KAFKA_GROUP_ID: uniqueName('roles-bridge'),
          BRIDGE_NEW_GROUP_START: 'latest',
        },
        guardianOut,
      );
      children.push(guardian);
      const videoWorker = await startRoles(
        {
          ...queues,
          WORKER_ROLES: 'video',
          DETECTOR_URL: detector.url,
          VIDEO_SOURCE_DIR: path.join(root, 'videos'),
          VIDEO_WORK_DIR: path.join(root, 'work'),
          VIDEO_BATCH_SIZE: '4',
        },
        videoOut,
      );
      children.push(videoWorker);
      const host = os.hostname();
      const guardianIdentity = `${guardian.pid}@${host}`;
      const videoIdentity = `${videoWorker.pid}@${host}`;

      connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
      const client = new Client({ connection });
      const model = uniqueName('roles-model');
      const event = driftEvent({ model, severity: 'LOW', at: new Date().toISOString() });
      const accepted = await fetch(`http://127.0.0.1:${bridgePort}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(accepted.status).toBe(202);
      const guardianHandle = client.workflow.getHandle(guardianWorkflowId(model));
      const input = {
        eventId: uniqueName('video-event'),
        videoKey: uniqueName('clip'),
        objectKey: path.basename(video),
      };
      const videoHandle = await client.workflow.start(VIDEO_WORKFLOW_TYPE, {
        workflowId: videoWorkflowId(input.videoKey),
        taskQueue: queues.VIDEO_TASK_QUEUE,
        args: [input],
        ...videoStartPolicies({ reanalyze: false }),
      });
      const result = (await videoHandle.result()) as { status: string; frames: number };
      expect(result.status).toBe('completed');
      expect(result.frames).toBeGreaterThan(0);

      // The guardian process decided the event: its audit row is in PostgreSQL.
      const decision = await decisionOf(model, event.event_id);
      expect(decision).toMatchObject({ event_type: 'data_drift_detected', severity: 'LOW' });

      // The guardian's workflow tasks ran in the guardian process only.
      const guardianRun = await identities(client, guardianHandle.workflowId);
      expect([...guardianRun.workflowTasks]).toEqual([guardianIdentity]);
      for (const a of guardianRun.activities) expect(a.identity).toBe(guardianIdentity);

      // The video job ran in the video process, its detector work on the detector queue.
      const videoRun = await identities(client, videoHandle.workflowId);
      expect([...videoRun.workflowTasks]).toEqual([videoIdentity]);
      const detect = videoRun.activities.filter((a) => a.type === 'detectPersons');
      expect(detect.length).toBeGreaterThan(0);
      for (const a of detect)
        expect(a).toMatchObject({ queue: queues.VIDEO_DETECTOR_TASK_QUEUE, identity: videoIdentity });
      expect(videoRun.activities.find((a) => a.type === 'claimVideoJob')).toMatchObject({
        queue: queues.VIDEO_TASK_QUEUE,
      });
      expect(detector.requests.length).toBeGreaterThan(0);
      await guardianHandle.terminate('test over');
    } finally {
      await connection?.close();
      await detector.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});
