import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { ALL_DAY, TASK_QUEUE, useGuardianWorkflowEnv, WORKFLOWS_PATH } from '../helpers/guardian-workflow';
import { workflowBundle } from '../helpers/workflow-bundle';
import { driftEvent } from '../unit/policy/model-events';
import { EVALUATION_METRIC_MISSING_FAILURE } from '../../src/contracts/guardian-activities';
import type { EvaluationSettings } from '../../src/domain/evaluation/evaluation-settings';
import { HISTORY_FIXTURES_DIR, replayAll } from '../helpers/guardian-replay';
import { uniqueName } from '../helpers/stack';
import type { RetrainInput } from '../../src/workflows/guardian/retrain-workflow';
import type { ActionOutcome } from '../../src/contracts/guardian-messages';

/**
 * The RETRAIN child workflow on the time-skipping test server, with recording fakes at the
 * activity boundary: without evaluation it trains and ends as it always did; with evaluation
 * it measures the candidate against the champion, then promotes it or keeps the champion and
 * alerts, and the guardian's history shows the numbers.
 */

jest.setTimeout(180_000);

const t = useGuardianWorkflowEnv();

function retrainInput(modelName: string, extra: Partial<RetrainInput> = {}): RetrainInput {
  return {
    // No guardian runs under this id: the child logs that it could not report and returns its outcome.
    guardianWorkflowId: `no-guardian-${modelName}`,
    request: {
      id: `decision-${modelName}`,
      triggeringEventId: `event-${modelName}`,
      modelName,
      action: 'RETRAIN',
      severity: 'HIGH',
      priority: 'high',
      reason: 'drift 0.7 on 4 features',
      decidedAt: new Date(0).toISOString(),
    },
    ...extra,
  };
}

async function runRetrain(input: RetrainInput) {
  const handle = await t.env.client.workflow.start('modelRetrainWorkflow', {
    workflowId: `retrain-test/${input.request.modelName}`,
    taskQueue: TASK_QUEUE,
    args: [input],
  });
  const outcome = (await handle.result()) as ActionOutcome;
  return { handle, outcome };
}

/** With RECORD_GUARDIAN_HISTORIES=1, keeps the run's history as a replay fixture. */
async function keepHistory(handle: { fetchHistory(): Promise<unknown> }, name: string): Promise<void> {
  if (process.env.RECORD_GUARDIAN_HISTORIES !== '1') return;
  const history = (await handle.fetchHistory()) as temporal.api.history.v1.History;
  fs.mkdirSync(HISTORY_FIXTURES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORY_FIXTURES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}

describe('RETRAIN without evaluation', () => {
  it('trains and ends: no evaluation, no promotion', async () => {
    const model = uniqueName('retrain-plain');
    const { handle, outcome } = await runRetrain(retrainInput(model));
    expect(outcome).toMatchObject({
      status: 'succeeded',
      result: expect.stringMatching(/^training job job-1 succeeded, new version 11$/),
    });
    expect(t.backends.actionsFor(model).map((c) => c.name)).toEqual(['runTrainingJob']);
    await keepHistory(handle, 'retrain-before-evaluation-1');
  });
});

const AUC: EvaluationSettings = { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' };

/** A guardian whose retrains are evaluated with `evaluation`; a HIGH drift retrains at once. */
function evaluatingGuardian(prefix: string, evaluation: EvaluationSettings) {
  return t.guardian(prefix, { settings: { ...ALL_DAY, evaluation } });
}

describe('RETRAIN with evaluation, through the guardian', () => {
  it('promotes a candidate that beats the champion and records the numbers', async () => {
    const g = evaluatingGuardian('eval-pass', AUC);
    t.backends.measurements.set(g.modelName, { candidate: 0.91, champion: 0.89, championVersion: '10' });
    const entry = await g.decide(driftEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);

    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'succeeded', executed: true });
    expect(entry.result).toContain(
      'training job job-1 succeeded, new version 11; auc 0.91 (version 11) vs champion 0.89 (version 10), ' +
        'higher is better: improvement 0.02, needs improvement ≥ 0: passed; promoted from version 10 to version 11; ' +
        'watching version 11 for 30 min',
    );
    const calls = t.backends
      .actionsFor(g.modelName)
      .filter((c) => !String(c.request.alertId).endsWith(':drift'));
    expect(calls.map((c) => c.name)).toEqual(['runTrainingJob', 'measureCandidate', 'promoteModel']);
    expect(calls[1].request).toMatchObject({ metric: 'auc', candidateVersion: '11', trainingJobId: 'job-1' });
    expect(calls[2].request).toMatchObject({
      toVersion: '11',
      verdict: { pass: true, candidate: 0.91, champion: 0.89, championVersion: '10' },
    });
    // The audit trail has the final row with the evaluation in its reason/result.
    const audited = t.backends
      .callsFor(g.modelName, 'recordDecision')
      .filter((c) => c.request.eventId === entry.id && c.request.executed === true);
    expect(JSON.stringify(audited.map((c) => c.request))).toContain('promoted from version 10 to version 11');
  });

  it('keeps the champion of a candidate that is worse, and alerts with the numbers', async () => {
    const g = evaluatingGuardian('eval-fail', { ...AUC, direction: 'lower', metric: 'log_loss' });
    t.backends.measurements.set(g.modelName, { candidate: 0.31, champion: 0.27, championVersion: '10' });
    const entry = await g.decide(driftEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);

    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'succeeded' });
    expect(entry.result).toMatch(
      /log_loss 0\.31 \(version 11\) vs champion 0\.27 \(version 10\), lower is better: improvement -0\.04, needs improvement ≥ 0: failed; candidate rejected, version 10 keeps serving; rejection alert sent$/,
    );
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);
    const alert = t.backends
      .callsFor(g.modelName, 'sendAlert')
      .find((c) => String(c.request.alertId).endsWith(':evaluation-rejected'));
    expect(alert?.request).toMatchObject({
      title: expect.stringContaining(`Retrained ${g.modelName} version 11 rejected`),
      message: expect.stringContaining('log_loss 0.31 (version 11) vs champion 0.27 (version 10)'),
      priority: 'high',
    });
  });

  it('passes a slightly worse candidate within the tolerance', async () => {
    const g = evaluatingGuardian('eval-tolerance', { ...AUC, tolerance: 0.01 });
    t.backends.measurements.set(g.modelName, { candidate: 0.88, champion: 0.89, championVersion: '10' });
    const entry = await g.decide(driftEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(entry.result).toContain('needs not worse than the champion by more than 0.01: passed; promoted');
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toHaveLength(1);
  });

  it('fails the retrain with an alert when the metric is missing, and keeps the champion', async () => {
    const g = evaluatingGuardian('eval-missing', AUC);
    t.backends.failFor(g.modelName, 'measureCandidate', {
      kind: 'non-retryable',
      type: EVALUATION_METRIC_MISSING_FAILURE,
      message: "MLflow (model x version 11) has no metric 'auc'",
    });
    const entry = await g.decide(driftEvent({ model: g.modelName, severity: 'HIGH' }), t.backends);
    expect(entry).toMatchObject({ action: 'RETRAIN', status: 'failed', executed: false });
    expect(entry.result).toBe(
      "training job job-1 succeeded, new version 11; evaluation failed, the serving version stays: MLflow (model x version 11) has no metric 'auc'; failure alert sent",
    );
    expect(t.backends.callsFor(g.modelName, 'measureCandidate')).toHaveLength(1);
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);
  });

  it('gives up on an evaluation backend that stays down, after bounded retries', async () => {
    const g = evaluatingGuardian('eval-down', AUC);
    t.backends.failFor(g.modelName, 'measureCandidate', { kind: 'retryable', message: 'MLflow unreachable' });
    const event = driftEvent({ model: g.modelName, severity: 'HIGH' });
    await g.send(event);
    // Five attempts 5, 10, 20 and 40 s apart: move the clock past them.
    await t.env.sleep(10 * 60_000);
    const entry = await g.waitForEntry(event.event_id, t.backends);
    expect(entry).toMatchObject({ status: 'failed' });
    expect(entry.result).toContain('evaluation failed, the serving version stays: MLflow unreachable');
    expect(t.backends.callsFor(g.modelName, 'measureCandidate')).toHaveLength(5);
    expect(t.backends.callsFor(g.modelName, 'promoteModel')).toEqual([]);
  });
});

describe('replay', () => {
  it('replays a retrain recorded before evaluation existed, and the runs above', async () => {
    const file = path.join(HISTORY_FIXTURES_DIR, 'retrain-before-evaluation-1.json');
    const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
    const result = await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(WORKFLOWS_PATH), replayName: 'retrain-fixture' },
      history,
    );
    expect(result).toBeUndefined();

    // The evaluated retrains of the tests above (children named after their guardian and decision).
    const children = await Promise.all(
      t.guardians.map(async (g) => {
        const [entry] = await g.history(1);
        return {
          workflowId: `${g.handle.workflowId}/retrain/${entry.id}`,
          history: await t.env.client.workflow
            .getHandle(`${g.handle.workflowId}/retrain/${entry.id}`)
            .fetchHistory(),
        };
      }),
    );
    const failures: string[] = [];
    for await (const replayed of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(WORKFLOWS_PATH), replayName: 'retrain-evaluated' },
      children,
    )) {
      if (replayed.error) failures.push(`${replayed.workflowId}: ${String(replayed.error)}`);
    }
    expect(failures).toEqual([]);
    expect(children.length).toBe(5);
    await replayAll(t.env, t.guardians);
  });
});
