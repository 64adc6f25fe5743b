import { createGuardianActivities } from '../../src/activities/guardian';
import {
  NO_STABLE_VERSION_FAILURE,
  RollbackRequest,
  SERVING_VERSION_CHANGED_FAILURE,
} from '../../src/contracts/guardian-activities';
import { createPostgresRegistry } from '../../src/backends/registry/postgres-registry';
import { FakeMlflowServer, startFakeMlflowServer } from '../helpers/fake-mlflow-server';
import { uniqueName } from '../helpers/stack';
import {
  GuardianTestContext,
  openGuardianTestContext,
  recordTopics,
  TopicRecorder,
} from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

describe('rollbackModel', () => {
  let t: GuardianTestContext;
  let topics: TopicRecorder;
  beforeAll(async () => {
    t = await openGuardianTestContext();
    topics = await recordTopics(t.kafka, [t.config.kafka.topicDeployed]);
  });
  afterAll(async () => {
    await topics?.stop();
    await t?.close();
  });

  const request = (modelName: string): RollbackRequest => ({
    modelName,
    reason: 'performance dropped 18 %',
    triggeringEventId: uniqueName('evt'),
  });

  describe('on the built-in PostgreSQL registry', () => {
    async function registryWith(model: string, versions: Array<[string, boolean]>, serving?: string) {
      const registry = createPostgresRegistry(t.pool);
      for (const [version, stable] of versions) await registry.registerVersion(model, version, { stable });
      if (serving)
        await registry.serve(model, serving, { reason: 'initial deploy', triggeringEventId: 'setup' });
      return registry;
    }

    it('serves the newest stable version registered before the serving one and publishes model.deployed', async () => {
      const model = uniqueName('rb-pg');
      // v4 serves; v3 is not stable, so v2 is the one to return to; v5 is stable but newer.
      const registry = await registryWith(
        model,
        [
          ['1', true],
          ['2', true],
          ['3', false],
          ['4', true],
          ['5', true],
        ],
        '4',
      );
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      const req = request(model);

      expect(await rollbackModel(req)).toEqual({ fromVersion: '4', toVersion: '2' });
      expect(await registry.servingVersion(model)).toBe('2');

      const [deployed] = await topics.waitFor((e) => e.key === model);
      expect(deployed.event).toMatchObject({
        event_type: 'model_deployed',
        model_name: model,
        from_version: '4',
        to_version: '2',
        change: 'rollback',
        triggering_event_id: req.triggeringEventId,
        registry: 'postgres',
      });
    });

    it('a retried rollback for the same event does not roll back a second time', async () => {
      const model = uniqueName('rb-pg-retry');
      const registry = await registryWith(
        model,
        [
          ['1', true],
          ['2', true],
          ['3', true],
        ],
        '3',
      );
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      const req = request(model);
      const first = await rollbackModel(req);
      const retried = await rollbackModel(req);
      expect(first).toEqual({ fromVersion: '3', toVersion: '2' });
      expect(retried).toEqual(first);
      expect(await registry.servingVersion(model)).toBe('2');

      // A new event is a new decision: it rolls back further.
      expect(await rollbackModel(request(model))).toEqual({ fromVersion: '2', toVersion: '1' });
    });

    it('finishes the planned switch when an earlier attempt stopped half way', async () => {
      const model = uniqueName('rb-pg-half');
      const registry = await registryWith(
        model,
        [
          ['1', true],
          ['2', true],
        ],
        '2',
      );
      const req = request(model);
      // What an attempt that crashed after planning (and before switching) leaves behind.
      await t.pool.query(
        `INSERT INTO guardian_action_ledger (action, model_name, action_key, status, plan)
         VALUES ('rollback', $1, $2, 'pending', '{"fromVersion":"2","toVersion":"1"}')`,
        [model, req.triggeringEventId],
      );
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      expect(await rollbackModel(req)).toEqual({ fromVersion: '2', toVersion: '1' });
      expect(await registry.servingVersion(model)).toBe('1');
    });

    it('with no earlier stable version fails with NO_STABLE_VERSION_FAILURE, changing nothing', async () => {
      const model = uniqueName('rb-pg-none');
      const registry = await registryWith(
        model,
        [
          ['1', false],
          ['2', true],
        ],
        '2',
      );
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      await expect(rollbackModel(request(model))).rejects.toMatchObject({
        type: NO_STABLE_VERSION_FAILURE,
        nonRetryable: true,
        message: expect.stringMatching(
          new RegExp(`${model}.*no stable version was registered before the serving version 2`),
        ),
      });
      expect(await registry.servingVersion(model)).toBe('2');
    });

    it("a promotion watch's rollback returns to the version it names, stable or not", async () => {
      const model = uniqueName('rb-pg-watch');
      // v2 served until v3 was promoted; neither is marked stable, v1 is.
      const registry = await registryWith(
        model,
        [
          ['1', true],
          ['2', false],
          ['3', false],
        ],
        '3',
      );
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      expect(await rollbackModel({ ...request(model), toVersion: '2', fromVersion: '3' })).toEqual({
        fromVersion: '3',
        toVersion: '2',
      });
      expect(await registry.servingVersion(model)).toBe('2');
    });

    it("a promotion watch's rollback changes nothing when another version serves, or the target is unknown", async () => {
      const model = uniqueName('rb-pg-watch-moved');
      const registry = await registryWith(
        model,
        [
          ['1', true],
          ['2', false],
          ['3', false],
        ],
        '1',
      );
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      await expect(
        rollbackModel({ ...request(model), toVersion: '2', fromVersion: '3' }),
      ).rejects.toMatchObject({
        type: SERVING_VERSION_CHANGED_FAILURE,
        nonRetryable: true,
        message: expect.stringContaining(
          `Not rolled back to version 2: version 1 serves model '${model}', not the watched version 3`,
        ),
      });
      await expect(
        rollbackModel({ ...request(model), toVersion: '9', fromVersion: '1' }),
      ).rejects.toMatchObject({
        type: NO_STABLE_VERSION_FAILURE,
        message: expect.stringContaining('version 9 is not in the built-in registry'),
      });
      expect(await registry.servingVersion(model)).toBe('1');
    });

    it('a model the registry does not serve fails with NO_STABLE_VERSION_FAILURE', async () => {
      const { rollbackModel } = createGuardianActivities(t.depsWith());
      await expect(rollbackModel(request(uniqueName('rb-unknown')))).rejects.toMatchObject({
        type: NO_STABLE_VERSION_FAILURE,
        nonRetryable: true,
        message: expect.stringMatching(/no serving version/),
      });
    });
  });

  describe('on the MLflow Model Registry', () => {
    let mlflow: FakeMlflowServer;
    beforeAll(async () => {
      mlflow = await startFakeMlflowServer(2);
    });
    afterAll(async () => {
      await mlflow?.close();
    });
    const activities = () => createGuardianActivities(t.depsWith({ MLFLOW_TRACKING_URI: mlflow.url }));

    it('moves the serving alias to the previous version tagged stable and publishes model.deployed', async () => {
      const model = uniqueName('rb-mlflow');
      mlflow.models.set(model, {
        versions: [
          { version: '1', tags: { stable: 'true' } },
          { version: '2', tags: { stable: 'true' } },
          { version: '3', tags: { stable: 'true' }, status: 'FAILED_REGISTRATION' },
          { version: '4', tags: { stable: 'false' } },
          { version: '5' },
          { version: '6', tags: { stable: 'true' } },
        ],
        aliases: new Map([['champion', '5']]),
      });
      const req = request(model);

      expect(await activities().rollbackModel(req)).toEqual({ fromVersion: '5', toVersion: '2' });
      expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('2');
      const setAlias = mlflow.requests.filter(
        (r) => r.method === 'POST' && r.body && (r.body as { name: string }).name === model,
      );
      expect(setAlias.map((r) => r.body)).toEqual([{ name: model, alias: 'champion', version: '2' }]);
      // Six versions at two per page: the search followed next_page_token to the end.
      const searches = mlflow.requests.filter(
        (r) => r.path.endsWith('/model-versions/search') && r.query.get('filter') === `name='${model}'`,
      );
      expect(searches).toHaveLength(3);

      const [deployed] = await topics.waitFor((e) => e.key === model);
      expect(deployed.event).toMatchObject({ from_version: '5', to_version: '2', registry: 'mlflow' });

      // Retried: same answer, the alias is not moved again.
      expect(await activities().rollbackModel(req)).toEqual({ fromVersion: '5', toVersion: '2' });
      expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('2');
    });

    it('with no earlier stable version fails with NO_STABLE_VERSION_FAILURE and leaves the alias', async () => {
      const model = uniqueName('rb-mlflow-none');
      mlflow.models.set(model, {
        versions: [{ version: '1' }, { version: '2', tags: { stable: 'true' } }],
        aliases: new Map([['champion', '2']]),
      });
      await expect(activities().rollbackModel(request(model))).rejects.toMatchObject({
        type: NO_STABLE_VERSION_FAILURE,
        nonRetryable: true,
        message: expect.stringMatching(/no version older than the serving version 2 is tagged stable=true/),
      });
      expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('2');
    });

    it("a promotion watch's rollback to a version MLflow does not know fails and leaves the alias", async () => {
      const model = uniqueName('rb-mlflow-watch');
      mlflow.models.set(model, {
        versions: [{ version: '3' }, { version: '4' }],
        aliases: new Map([['champion', '4']]),
      });
      await expect(
        activities().rollbackModel({ ...request(model), toVersion: '9', fromVersion: '4' }),
      ).rejects.toMatchObject({
        type: NO_STABLE_VERSION_FAILURE,
        nonRetryable: true,
        message: expect.stringContaining('version 9 is not registered in MLflow'),
      });
      expect(mlflow.models.get(model)!.aliases.get('champion')).toBe('4');
    });

    it('a model without the serving alias fails with NO_STABLE_VERSION_FAILURE', async () => {
      await expect(
        activities().rollbackModel(request(uniqueName('rb-mlflow-unknown'))),
      ).rejects.toMatchObject({
        type: NO_STABLE_VERSION_FAILURE,
        message: expect.stringMatching(/no version carries the serving alias 'champion'/),
      });
    });

    it('an MLflow server that is down is a retryable failure', async () => {
      const down = await startFakeMlflowServer();
      await down.close();
      const { rollbackModel } = createGuardianActivities(t.depsWith({ MLFLOW_TRACKING_URI: down.url }));
      await expect(rollbackModel(request(uniqueName('rb-down')))).rejects.toMatchObject({
        type: 'BackendUnavailable',
        nonRetryable: false,
      });
    });
  });
});
