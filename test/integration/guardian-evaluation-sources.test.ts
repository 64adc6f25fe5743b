import { createGuardianActivities } from '../../src/activities/guardian';
import { createPostgresVersionMetrics } from '../../src/backends/evaluation/postgres-version-metrics';
import { createPostgresRegistry } from '../../src/backends/registry/postgres-registry';
import {
  EVALUATION_METRIC_MISSING_FAILURE,
  type EvaluationRequest,
} from '../../src/contracts/guardian-activities';
import { judgeCandidate } from '../../src/domain/evaluation/judge-candidate';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server';
import { startFakeMlflowServer } from '../helpers/fake-mlflow-server';
import { FakeTrainingServer, startFakeTrainingServer } from '../helpers/fake-training-server';
import {
  GuardianTestContext,
  openGuardianTestContext,
  recordTopics,
  TopicRecorder,
} from '../helpers/guardian-activity-deps';
import { uniqueName } from '../helpers/stack';

/**
 * measureCandidate on each metrics source (the built-in table; the training service's result and
 * an HTTP evaluation service, as small real HTTP servers), with the champion read from the built-in registry
 * in PostgreSQL; promoteModel moving that registry's serving row and publishing model.deployed.
 */

jest.setTimeout(60_000);

describe('measuring a candidate and promoting it', () => {
  let t: GuardianTestContext;
  let topics: TopicRecorder;
  let trainingService: FakeTrainingServer;
  let evaluationService: FakeHttpServer;

  beforeAll(async () => {
    t = await openGuardianTestContext();
    topics = await recordTopics(t.kafka, [t.config.kafka.topicDeployed]);
    trainingService = await startFakeTrainingServer({
      scriptFor: (body) =>
        String(body.model_name).includes('no-metrics')
          ? { runningPolls: 0, end: { status: 'succeeded', new_version: '4' } }
          : {
              runningPolls: 0,
              end: {
                status: 'succeeded',
                new_version: '4',
                metrics: { auc: 0.93, f1: 0.7 },
                champion_metrics: { auc: 0.9 },
              },
            },
    });
    evaluationService = await startFakeHttpServer((req) => {
      if (req.method !== 'POST' || req.path !== '/evaluations') return { status: 404, body: {} };
      const body = req.body as { metric: string; champion_version: string | null };
      if (body.metric !== 'auc') return { status: 200, body: { candidate: null, champion: null } };
      return { status: 200, body: { candidate: 0.8, champion: body.champion_version ? 0.85 : null } };
    });
  });
  afterAll(async () => {
    await topics?.stop();
    await trainingService?.close();
    await evaluationService?.close();
    await t?.close();
  });

  /** A model whose built-in registry serves version 3, and a finished training job that produced 4. */
  async function servedModel(prefix: string) {
    const model = uniqueName(prefix);
    const registry = createPostgresRegistry(t.pool);
    await registry.registerVersion(model, '3', { stable: true });
    await registry.serve(model, '3', { reason: 'initial deploy', triggeringEventId: 'setup' });
    const submitted = await fetch(`${trainingService.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model_name: model }),
    });
    const { job_id: jobId } = (await submitted.json()) as { job_id: string };
    const request: EvaluationRequest = {
      modelName: model,
      metric: 'auc',
      candidateVersion: '4',
      trainingJobId: jobId,
      triggeringEventId: uniqueName('evt'),
    };
    return { model, registry, request };
  }

  const activities = (env: NodeJS.ProcessEnv) =>
    createGuardianActivities(t.depsWith({ EVALUATION_METRIC: 'auc', ...env }));

  it("reads the candidate's and the champion's metric from the training service's job result", async () => {
    const { request } = await servedModel('eval-training');
    const { measureCandidate } = activities({
      EVALUATION_METRICS_SOURCE: 'training',
      TRAINING_SERVICE_URL: trainingService.url,
    });
    expect(await measureCandidate(request)).toEqual({
      metric: 'auc',
      candidateVersion: '4',
      candidate: 0.93,
      championVersion: '3',
      champion: 0.9,
    });
  });

  it('fails non-retryably, naming the metric and the job, when the training result has no such metric', async () => {
    const { request } = await servedModel('eval-no-metrics');
    const { measureCandidate } = activities({
      EVALUATION_METRICS_SOURCE: 'training',
      TRAINING_SERVICE_URL: trainingService.url,
    });
    await expect(measureCandidate(request)).rejects.toMatchObject({
      type: EVALUATION_METRIC_MISSING_FAILURE,
      nonRetryable: true,
      message: expect.stringContaining(
        `the result of training job ${request.trainingJobId} has no metric 'auc'`,
      ),
    });
  });

  it('reads both versions from the built-in metrics table, the default source', async () => {
    const { model, request } = await servedModel('eval-builtin');
    const table = createPostgresVersionMetrics(t.pool);
    await table.record(model, '3', 'auc', 0.87);
    await table.record(model, '4', 'auc', 0.5);
    await table.record(model, '4', 'auc', 0.89); // corrected: the last value counts
    const { measureCandidate } = activities({});
    expect(await measureCandidate(request)).toEqual({
      metric: 'auc',
      candidateVersion: '4',
      candidate: 0.89,
      championVersion: '3',
      champion: 0.87,
    });
    await expect(measureCandidate({ ...request, metric: 'f1' })).rejects.toMatchObject({
      type: EVALUATION_METRIC_MISSING_FAILURE,
      nonRetryable: true,
      message: expect.stringContaining("model_version_metrics (version 4) has no metric 'f1'"),
    });
  });

  it('asks the HTTP evaluation service to measure both versions', async () => {
    const { model, request } = await servedModel('eval-service');
    const { measureCandidate } = activities({
      EVALUATION_METRICS_SOURCE: 'service',
      EVALUATION_SERVICE_URL: evaluationService.url,
    });
    expect(await measureCandidate(request)).toMatchObject({
      candidate: 0.8,
      champion: 0.85,
      championVersion: '3',
    });
    const asked = evaluationService.requests.find(
      (r) => (r.body as { model_name?: string })?.model_name === model,
    );
    expect(asked?.body).toMatchObject({ metric: 'auc', candidate_version: '4', champion_version: '3' });
    expect(asked?.headers['idempotency-key']).toBe(`${model}:${request.triggeringEventId}:evaluation`);

    await expect(measureCandidate({ ...request, metric: 'precision' })).rejects.toMatchObject({
      type: EVALUATION_METRIC_MISSING_FAILURE,
      message: expect.stringContaining("the evaluation service answer has no metric 'precision'"),
    });
  });

  it('names the MLflow version and run whose metrics lack the metric, and a version that names no run', async () => {
    const mlflow = await startFakeMlflowServer();
    try {
      const model = uniqueName('eval-mlflow-missing');
      mlflow.models.set(model, {
        versions: [{ version: '3', runId: 'run-3' }, { version: '4', runId: 'run-4' }, { version: '5' }],
        aliases: new Map([['champion', '3']]),
      });
      mlflow.runs.set('run-3', { auc: 0.9 });
      mlflow.runs.set('run-4', { f1: 0.7 });
      const { measureCandidate } = activities({
        EVALUATION_METRICS_SOURCE: 'mlflow',
        MLFLOW_TRACKING_URI: mlflow.url,
      });
      const request: EvaluationRequest = {
        modelName: model,
        metric: 'auc',
        candidateVersion: '4',
        trainingJobId: 'job-x',
        triggeringEventId: uniqueName('evt'),
      };
      await expect(measureCandidate(request)).rejects.toMatchObject({
        type: EVALUATION_METRIC_MISSING_FAILURE,
        nonRetryable: true,
        message: expect.stringContaining(`MLflow (model ${model} version 4), run run-4, has no metric 'auc'`),
      });
      await expect(measureCandidate({ ...request, candidateVersion: '5' })).rejects.toMatchObject({
        type: EVALUATION_METRIC_MISSING_FAILURE,
        message: expect.stringContaining('whose version names no run'),
      });
      // The alias was only read, never moved.
      expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('3');
    } finally {
      await mlflow.close();
    }
  });

  it('promotes on the built-in registry: serving row moved, version registered, model.deployed with the evaluation', async () => {
    const { model, registry, request } = await servedModel('eval-promote-pg');
    const { measureCandidate, promoteModel } = activities({
      EVALUATION_METRICS_SOURCE: 'training',
      TRAINING_SERVICE_URL: trainingService.url,
    });
    const verdict = judgeCandidate(
      { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' },
      await measureCandidate(request),
    );
    const promotion = {
      modelName: model,
      toVersion: '4',
      reason: `evaluation passed: ${verdict.summary}`,
      triggeringEventId: request.triggeringEventId,
      verdict,
    };
    expect(await promoteModel(promotion)).toEqual({ fromVersion: '3', toVersion: '4' });
    expect(await registry.servingVersion(model)).toBe('4');
    expect((await registry.versions(model)).map((v) => [v.version, v.stable, v.serving])).toEqual([
      ['3', true, false],
      ['4', false, true],
    ]);
    // A retried attempt finishes the same switch; a later rollback returns to the stable version 3.
    expect(await promoteModel(promotion)).toEqual({ fromVersion: '3', toVersion: '4' });
    expect(await registry.planRollback(model)).toEqual({ fromVersion: '4', toVersion: '3' });

    const [deployed] = await topics.waitFor((e) => e.key === model);
    expect(deployed?.event).toMatchObject({
      event_type: 'model_deployed',
      from_version: '3',
      to_version: '4',
      change: 'promotion',
      registry: 'postgres',
      evaluation: { metric: 'auc', candidate: 0.93, champion: 0.9, passed: true },
    });
  });
});
