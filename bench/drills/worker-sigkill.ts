import path from 'node:path';
import { GUARDIAN_STATE_QUERY, guardianWorkflowId } from '../../src/contracts/workflows';
import type { GuardianStateView } from '../../src/contracts/guardian-messages';
import { createPgPool } from '../../src/clients/postgres';
import {
  createBridgeTestEnv,
  driftEvent,
  startInProcessBridge,
  waitFor,
  type BridgeTestEnv,
} from '../../test/helpers/bridge-harness';
import { uniqueName } from '../../test/helpers/stack';
import { forkBenchChild, stopChildren, type BenchChild } from '../lib/child-process';
import { startCountingTrainingServer } from './counting-training-server';
import { sleep } from './stream-drill';
import type { DrillRun } from './tally';

/** Models whose retrain is running when the worker dies, and models whose event arrives while it is dead. */
const MODELS_BEFORE_KILL = 6;
const MODELS_DURING_OUTAGE = 3;
/** Long enough that every job is still running at the kill and when the worker is back. */
const JOB_MS = 15_000;
/**
 * A SIGKILLed worker cannot fail its activities: Temporal notices through the training activity's
 * heartbeat timeout (1 minute) and retries after its first retry interval (30 s); the bound leaves
 * room for a slow restart under load.
 */
const RECOVER_WITHIN_MS = 300_000;

/** The production worker (real guardian workflows and activities) as a process of its own. */
async function startWorkerProcess(t: BridgeTestEnv): Promise<BenchChild> {
  const child = forkBenchChild(path.join(__dirname, '..', 'decision', 'worker-child.ts'), {
    ...process.env,
    ...t.env,
    LOG_LEVEL: 'warn',
  });
  await child.next('ready');
  return child;
}

/**
 * Drill (c): critical drift starts a retrain per model on an HTTP training service; the worker
 * process is killed with SIGKILL while every job runs, more events arrive while it is dead, and a
 * new worker process is started. Each triggering event must end with one decision, one training
 * job started (counted by Idempotency-Key at the service) and a succeeded retrain. Recovery is
 * from the kill until every retrain has succeeded.
 */
export async function workerSigkillDrill(): Promise<DrillRun> {
  const training = await startCountingTrainingServer(JOB_MS);
  const t = await createBridgeTestEnv({
    env: {
      // Every hour is a business hour, so the outcome does not depend on when the drill runs.
      BUSINESS_HOURS_START: '0',
      BUSINESS_HOURS_END: '23',
      TRAINING_SERVICE_URL: training.url,
      TRAINING_POLL_INTERVAL_SECONDS: '1',
      REPORT_SCHEDULE_ENABLED: 'false',
      WORKER_HTTP_ENABLED: 'false',
      BRIDGE_HTTP_ENABLED: 'false',
    },
  });
  const pool = createPgPool({ connectionString: process.env.DATABASE_URL! });
  const workers: BenchChild[] = [];
  let bridge: Awaited<ReturnType<typeof startInProcessBridge>> | undefined;
  try {
    workers.push(await startWorkerProcess(t));
    bridge = await startInProcessBridge(t);
    const events: Array<{ model: string; eventId: string }> = [];
    const produce = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const model = uniqueName(`retrain-drill-${events.length}`);
        // A drift score this high is CRITICAL whatever the producer says: RETRAIN now.
        const drift = driftEvent(model, { drift_score: 0.91, severity: 'LOW' });
        await t.producer.send({
          topic: t.topics.drift,
          messages: [{ key: model, value: JSON.stringify(drift) }],
        });
        events.push({ model, eventId: drift.event_id });
      }
    };

    await produce(MODELS_BEFORE_KILL);
    await waitFor(
      'every training job to start',
      async () => training.startsByKey.size,
      (n) => n >= MODELS_BEFORE_KILL,
      120_000,
    );
    await sleep(2_000);
    workers[0].process.kill('SIGKILL');
    const killedAt = Date.now();
    await produce(MODELS_DURING_OUTAGE);
    workers.push(await startWorkerProcess(t));

    const succeeded = async () => {
      const states = await Promise.all(
        events.map(({ model }) =>
          t.temporal.client.workflow
            .getHandle(guardianWorkflowId(model))
            .query<GuardianStateView>(GUARDIAN_STATE_QUERY)
            .catch(() => undefined),
        ),
      );
      return events.filter(({ eventId }, i) =>
        states[i]?.lastDecisions.some((d) => d.id === eventId && d.status === 'succeeded'),
      ).length;
    };
    const recoveredAt = await waitFor(
      'every retrain to succeed',
      succeeded,
      (n) => n === events.length,
      RECOVER_WITHIN_MS,
    ).then(
      () => Date.now(),
      () => undefined,
    );

    const { rows } = await pool.query<{ event_id: string; n: string }>(
      `SELECT event_id, count(*) AS n FROM guardian_decisions WHERE model_name = ANY($1) GROUP BY event_id`,
      [events.map((e) => e.model)],
    );
    const decided = new Set(rows.map((r) => r.event_id));
    const starts = [...training.startsByKey.values()];
    return {
      produced: events.length,
      decisions: rows.reduce((n, r) => n + Number(r.n), 0),
      actionsExecuted: await succeeded(),
      delivered: decided.size,
      lost: events.filter(
        (e) => !decided.has(e.eventId) || !training.startsByKey.has(`${e.model}:${e.eventId}`),
      ).length,
      duplicated: starts.reduce((n, s) => n + s - 1, 0) + rows.reduce((n, r) => n + Number(r.n) - 1, 0),
      redeliveriesDropped: training.repeatedSubmits(),
      outOfOrderModels: 0,
      recoverSeconds: recoveredAt ? Math.round((recoveredAt - killedAt) / 100) / 10 : undefined,
    };
  } finally {
    await bridge?.stop().catch(() => false);
    await stopChildren(workers.map((w) => w.process));
    await pool.end();
    await t.close();
    await training.close();
  }
}
