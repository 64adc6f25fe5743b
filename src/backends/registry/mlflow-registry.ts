import { z } from 'zod';
import { callHttpBackend, HttpBackendTarget, parseReply } from '../http/http-backend';
import { ModelRegistry, noStableVersion, RollbackPlan, ServingChange } from './model-registry';

/** The REST API 2.0 prefix of every MLflow call. */
export const MLFLOW_API = ['api', '2.0', 'mlflow'];

/** How every MLflow call is made: the tracking server, its bearer token, the request timeout. */
export function mlflowTarget(options: {
  trackingUri: string;
  token?: string;
  timeoutMs: number;
}): HttpBackendTarget {
  return {
    label: 'MLflow',
    baseUrl: options.trackingUri,
    timeoutMs: options.timeoutMs,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
  };
}

const modelVersion = z.object({
  name: z.string(),
  version: z.union([z.string(), z.number()]).transform(String),
  status: z.string().optional(),
  current_stage: z.string().optional(),
  tags: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
});
type ModelVersion = z.infer<typeof modelVersion>;

const aliasReply = z.object({ model_version: modelVersion });
const searchReply = z.object({
  model_versions: z.array(modelVersion).optional(),
  next_page_token: z.string().optional(),
});

export interface MlflowRegistryOptions {
  trackingUri: string;
  /** The alias whose version is served (e.g. "champion"). */
  servingAlias: string;
  token?: string;
  timeoutMs: number;
}

/** The tag that marks a version a rollback may return to. */
export const MLFLOW_STABLE_TAG = 'stable';
// Bound on versions read per model: 50 pages of the server's maximum page size.
const MAX_PAGES = 50;

function isStable(v: ModelVersion): boolean {
  const tag = v.tags?.find((t) => t.key === MLFLOW_STABLE_TAG);
  const ready = v.status === undefined || v.status === 'READY';
  return ready && (tag?.value ?? '').toLowerCase() === 'true';
}

/** MLflow's filter syntax has no escapes: quote the name with a quote it does not contain. */
function nameFilter(modelName: string): string {
  const quote = modelName.includes("'") ? '"' : "'";
  return `name=${quote}${modelName}${quote}`;
}

/**
 * The MLflow Model Registry (REST API 2.0): the serving version is the one the serving alias
 * points at; stable versions carry the tag stable=true; rollback moves the alias.
 */
export function createMlflowRegistry(options: MlflowRegistryOptions): ModelRegistry {
  const target = mlflowTarget(options);
  const serve = async (modelName: string, version: string): Promise<void> => {
    await callHttpBackend(target, {
      method: 'POST',
      path: [...MLFLOW_API, 'registered-models', 'alias'],
      body: { name: modelName, alias: options.servingAlias, version },
    });
  };

  async function servingVersion(modelName: string): Promise<ModelVersion | undefined> {
    const reply = await callHttpBackend(target, {
      method: 'GET',
      path: [...MLFLOW_API, 'registered-models', 'alias'],
      query: { name: modelName, alias: options.servingAlias },
      accept: [404],
    });
    return reply.status === 404 ? undefined : parseReply(target, reply, aliasReply).model_version;
  }

  async function allVersions(modelName: string): Promise<ModelVersion[]> {
    const versions: ModelVersion[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, string> = { filter: nameFilter(modelName), max_results: '200' };
      if (pageToken) query.page_token = pageToken;
      const reply = await callHttpBackend(target, {
        method: 'GET',
        path: [...MLFLOW_API, 'model-versions', 'search'],
        query,
      });
      const body = parseReply(target, reply, searchReply);
      versions.push(...(body.model_versions ?? []).filter((v) => v.name === modelName));
      pageToken = body.next_page_token;
      if (!pageToken) break;
    }
    return versions;
  }

  return {
    kind: 'mlflow',

    async planRollback(modelName: string, toVersion?: string): Promise<RollbackPlan> {
      const serving = await servingVersion(modelName);
      if (!serving) {
        throw noStableVersion(
          modelName,
          `no version carries the serving alias '${options.servingAlias}' in MLflow`,
        );
      }
      if (toVersion !== undefined) {
        // The replaced champion served until the promotion: it need not carry the stable tag.
        const reply = await callHttpBackend(target, {
          method: 'GET',
          path: [...MLFLOW_API, 'model-versions', 'get'],
          query: { name: modelName, version: toVersion },
          accept: [404],
        });
        if (reply.status === 404) {
          throw noStableVersion(modelName, `version ${toVersion} is not registered in MLflow`);
        }
        return { fromVersion: serving.version, toVersion };
      }
      const current = Number(serving.version);
      const previous = (await allVersions(modelName))
        .filter((v) => isStable(v) && Number(v.version) < current)
        .sort((a, b) => Number(b.version) - Number(a.version))[0];
      if (!previous) {
        throw noStableVersion(
          modelName,
          `no version older than the serving version ${serving.version} is tagged ${MLFLOW_STABLE_TAG}=true in MLflow`,
        );
      }
      return { fromVersion: serving.version, toVersion: previous.version };
    },

    async serve(modelName: string, version: string, _change: ServingChange): Promise<void> {
      await serve(modelName, version);
    },

    async servingVersion(modelName: string): Promise<string | undefined> {
      return (await servingVersion(modelName))?.version;
    },

    // The training run registered the version in MLflow: promoting it is moving the alias.
    async promote(modelName: string, version: string, _change: ServingChange): Promise<void> {
      await serve(modelName, version);
    },
  };
}
