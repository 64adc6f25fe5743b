import { FakeHttpServer, startFakeHttpServer } from './fake-http-server';

export interface FakeModelVersion {
  version: string;
  tags?: Record<string, string>;
  status?: string;
  /** The run that produced the version (model-versions/get answers it as run_id). */
  runId?: string;
}

export interface FakeMlflowServer extends FakeHttpServer {
  models: Map<string, { versions: FakeModelVersion[]; aliases: Map<string, string> }>;
  /** Each run's latest metric values, by run id (runs/get answers them as run.data.metrics). */
  runs: Map<string, Record<string, number>>;
}

function versionJson(name: string, v: FakeModelVersion) {
  return {
    name,
    version: v.version,
    status: v.status ?? 'READY',
    current_stage: 'None',
    tags: Object.entries(v.tags ?? {}).map(([key, value]) => ({ key, value })),
    ...(v.runId ? { run_id: v.runId } : {}),
  };
}

/**
 * The MLflow endpoints the product uses (REST API 2.0): get a version by alias, search versions
 * (paged, `name='...'` filters only), set an alias, get one version, and get a run's metrics.
 */
export async function startFakeMlflowServer(pageSize = 2): Promise<FakeMlflowServer> {
  const models: FakeMlflowServer['models'] = new Map();
  const runs: FakeMlflowServer['runs'] = new Map();
  const notFound = (message: string) => ({
    status: 404,
    body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message },
  });
  const server = await startFakeHttpServer((req) => {
    if (req.method === 'GET' && req.path === '/api/2.0/mlflow/registered-models/alias') {
      const name = req.query.get('name') ?? '';
      const alias = req.query.get('alias') ?? '';
      const model = models.get(name);
      const version = model?.aliases.get(alias);
      const found = model?.versions.find((v) => v.version === version);
      if (!model || !found) return notFound(`Registered model alias ${alias} not found.`);
      return { status: 200, body: { model_version: versionJson(name, found) } };
    }
    if (req.method === 'GET' && req.path === '/api/2.0/mlflow/model-versions/search') {
      const filter = /^name\s*=\s*(['"])(.*)\1$/.exec(req.query.get('filter') ?? '');
      if (!filter)
        return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad filter' } };
      const versions = models.get(filter[2])?.versions ?? [];
      const start = Number(req.query.get('page_token') ?? '0');
      const page = versions.slice(start, start + pageSize).map((v) => versionJson(filter[2], v));
      const more = start + pageSize < versions.length;
      return {
        status: 200,
        body: { model_versions: page, ...(more ? { next_page_token: String(start + pageSize) } : {}) },
      };
    }
    if (req.method === 'GET' && req.path === '/api/2.0/mlflow/model-versions/get') {
      const name = req.query.get('name') ?? '';
      const found = models.get(name)?.versions.find((v) => v.version === req.query.get('version'));
      if (!found)
        return notFound(`Model Version (name=${name}, version=${req.query.get('version')}) not found`);
      return { status: 200, body: { model_version: versionJson(name, found) } };
    }
    if (req.method === 'GET' && req.path === '/api/2.0/mlflow/runs/get') {
      const runId = req.query.get('run_id') ?? '';
      const metrics = runs.get(runId);
      if (!metrics) return notFound(`Run '${runId}' not found`);
      return {
        status: 200,
        body: {
          run: {
            info: { run_id: runId, status: 'FINISHED' },
            data: {
              metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
              params: [],
              tags: [],
            },
          },
        },
      };
    }
    if (req.method === 'POST' && req.path === '/api/2.0/mlflow/registered-models/alias') {
      const body = req.body as { name: string; alias: string; version: string };
      const model = models.get(body.name);
      if (!model?.versions.some((v) => v.version === String(body.version))) {
        return notFound(`Model version ${body.name}/${body.version} not found`);
      }
      model.aliases.set(body.alias, String(body.version));
      return { status: 200, body: {} };
    }
    return { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message: `${req.method} ${req.path}` } };
  });
  return { ...server, models, runs };
}
