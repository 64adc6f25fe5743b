import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig, settingGroups } from '../../src/config';

/**
 * The Helm chart, checked offline: `helm lint`, `helm template` for the default values and
 * for ci/full-values.yaml, every rendered manifest decoded strictly into its Kubernetes API
 * type (scripts/k8s-strict-check), and the environment each role's pods get parsed by the
 * product's own configuration loader. helm and the checker are built with Go once, cached.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CHART = path.join(ROOT, 'deploy', 'helm', 'mlops-guardian');
const FULL_VALUES = path.join(CHART, 'ci', 'full-values.yaml');
const ROLES = ['guardian', 'video', 'report', 'bridge'];

const goMissing = spawnSync('go', ['version']).error !== undefined;
if (goMissing) {
  console.warn('Helm chart checks SKIPPED: Go is not installed (it builds helm and the manifest checker).');
}
const describeWithGo = goMissing ? describe.skip : describe;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional: boolean } };
}
interface Container {
  env: EnvVar[];
  ports?: object[];
  livenessProbe?: { httpGet: object };
  readinessProbe?: { httpGet: object };
  resources: { limits: Record<string, unknown> };
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    containers: Container[];
    volumes: object[];
    terminationGracePeriodSeconds: number;
    nodeSelector?: Record<string, string>;
    tolerations: Array<{ key: string }>;
  };
}
/** The parts of rendered manifests these tests read. */
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec: { template: PodTemplate; triggers: object[] };
}

function provisioned(script: string): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

describeWithGo('Helm chart deploy/helm/mlops-guardian', () => {
  let helmPath = '';
  let checkerPath = '';
  const helm = (...args: string[]) =>
    spawnSync(helmPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const render = (...valueArgs: string[]): string => {
    const run = helm('template', 'mlops', CHART, ...valueArgs);
    if (run.status !== 0) throw new Error(`helm template failed:\n${run.stderr}`);
    return run.stdout;
  };
  const manifests = (rendered: string): Manifest[] =>
    parseAllDocuments(rendered)
      .map((d) => d.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null);
  const strictCheck = (rendered: string) => spawnSync(checkerPath, [], { input: rendered, encoding: 'utf8' });

  beforeAll(() => {
    // First run on a fresh machine: both are built with Go (a few minutes); then cached.
    helmPath = provisioned('provision-helm.sh');
    checkerPath = provisioned('provision-k8s-strict-check.sh');
  }, 30 * 60_000);

  describe.each([
    ['default values', [] as string[]],
    ['ci/full-values.yaml', ['-f', FULL_VALUES]],
  ])('with %s', (_name, valueArgs) => {
    it('passes helm lint --strict', () => {
      const run = helm('lint', '--strict', CHART, ...valueArgs);
      expect(`${run.stdout}${run.stderr}`).toContain('0 chart(s) failed');
      expect(run.status).toBe(0);
    });

    it('renders manifests that decode strictly into the Kubernetes API types', () => {
      const run = strictCheck(render(...valueArgs));
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^ok: \d+ manifests decoded strictly/);
      expect(run.status).toBe(0);
    });

    it('gives every role a Deployment whose environment the product accepts', () => {
      const rendered = manifests(render(...valueArgs));
      const configMap = rendered.find((m) => m.kind === 'ConfigMap')!;
      const deployments = rendered.filter((m) => m.kind === 'Deployment');
      expect(deployments.map((d) => d.spec.template.metadata.labels['app.kubernetes.io/component'])).toEqual(
        ROLES,
      );
      for (const d of deployments) {
        const env = podEnvironment(configMap, d);
        expect(() => loadConfig(env)).not.toThrow();
        expect(env.WORKER_ROLES).toBe(d.spec.template.metadata.labels['app.kubernetes.io/component']);
      }
    });
  });

  it('lets every variable of the configuration table be set (full values reach the pods)', () => {
    const rendered = manifests(render('-f', FULL_VALUES));
    const configMap = rendered.find((m) => m.kind === 'ConfigMap')!;
    const seen = new Set(
      rendered
        .filter((m) => m.kind === 'Deployment')
        .flatMap((d) => Object.keys(podEnvironment(configMap, d))),
    );
    const missing = Object.values(settingGroups)
      .flatMap((g) => Object.values(g).map((s) => s.env))
      .filter((name) => !seen.has(name));
    expect(missing).toEqual([]);
  });

  it('takes secrets only from existing Secrets and mounts the Temporal client certificate', () => {
    const rendered = manifests(render('-f', FULL_VALUES));
    const configMap = rendered.find((m) => m.kind === 'ConfigMap')!;
    for (const secret of [
      'DATABASE_URL',
      'TEMPORAL_API_KEY',
      'KAFKA_SASL_PASSWORD',
      'MLFLOW_TRACKING_TOKEN',
      'ALERT_WEBHOOK_URL',
      'ALERT_DISCORD_WEBHOOK_URL',
      'ALERT_JSON_WEBHOOK_URL',
      'ALERT_SMTP_PASSWORD',
      'BRIDGE_HTTP_TOKEN',
      'OTEL_EXPORTER_OTLP_HEADERS',
    ]) {
      expect(configMap.data).not.toHaveProperty(secret);
    }
    const pod = rendered.find((m) => m.kind === 'Deployment')!.spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e]));
    expect(env.DATABASE_URL.valueFrom?.secretKeyRef).toEqual({
      name: 'mlops-guardian-secrets',
      key: 'database-url',
      optional: false,
    });
    expect(env.MLFLOW_TRACKING_TOKEN.valueFrom?.secretKeyRef?.optional).toBe(true);
    expect(env.TEMPORAL_TLS_CERT_PATH.value).toBe('/etc/temporal-tls/tls.crt');
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({
        name: 'temporal-tls',
        secret: expect.objectContaining({ secretName: 'temporal-client-tls' }),
      }),
    );
    // CA files and the Kafka client certificate come from their Secrets the same way.
    expect(env.TEMPORAL_TLS_CA_PATH.value).toBe('/etc/temporal-tls/ca.crt');
    expect(env.KAFKA_SSL_KEY_PATH.value).toBe('/etc/kafka-tls/tls.key');
    expect(env.DATABASE_SSL_CA_PATH.value).toBe('/etc/postgres-tls/ca.crt');
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({
        name: 'kafka-tls',
        secret: expect.objectContaining({
          secretName: 'kafka-client-tls',
          items: [
            { key: 'ca.crt', path: 'ca.crt' },
            { key: 'tls.crt', path: 'tls.crt' },
            { key: 'tls.key', path: 'tls.key' },
          ],
        }),
      }),
    );
  });

  it('probes the bridge on /healthz, gives worker roles a grace period, and lets Prometheus scrape every worker', () => {
    const rendered = manifests(render('-f', FULL_VALUES));
    const byRole = Object.fromEntries(
      rendered
        .filter((m) => m.kind === 'Deployment')
        .map((d) => [d.spec.template.metadata.labels['app.kubernetes.io/component'], d.spec.template]),
    );
    const bridge = byRole.bridge.spec.containers[0];
    const workerHttp = { name: 'worker-http', containerPort: 8089, protocol: 'TCP' };
    expect(bridge.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }, workerHttp]);
    expect(bridge.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(bridge.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(byRole.bridge.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9090',
    });
    for (const role of ['guardian', 'video', 'report']) {
      const container = byRole[role].spec.containers[0];
      expect(container.livenessProbe).toBeUndefined();
      // The worker's /metrics (WORKER_HTTP_PORT), the one port these pods open.
      expect(container.ports).toEqual([workerHttp]);
      expect(byRole[role].metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '8089',
        'prometheus.io/path': '/metrics',
      });
      expect(byRole[role].spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    }
    const video = byRole.video.spec;
    expect(video.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(video.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(video.tolerations[0].key).toBe('nvidia.com/gpu');
  });

  it('scales workers on their Temporal task queue and bridges on Kafka lag with KEDA', () => {
    const scaled = manifests(render('-f', FULL_VALUES)).filter((m) => m.kind === 'ScaledObject');
    const triggers = Object.fromEntries(scaled.map((s) => [s.metadata.name, s.spec.triggers[0]]));
    expect(triggers['guardian-video']).toMatchObject({
      type: 'temporal',
      metadata: { namespace: 'mlops.a1b2c', taskQueue: 'mlops-video-detector', queueTypes: 'activity' },
    });
    expect(triggers['guardian-bridge']).toMatchObject({
      type: 'kafka',
      metadata: { consumerGroup: 'mlops-guardian-bridge', lagThreshold: '1000' },
    });
  });

  it.each([
    [
      'a negative replica count',
      ['--set', 'roles.guardian.replicas=-1'],
      "at '/roles/guardian/replicas': minimum",
    ],
    [
      'an unknown role',
      ['--set', 'roles.gpu.enabled=true'],
      "at '/roles': additional properties 'gpu' not allowed",
    ],
    [
      'a secret as plain config',
      ['--set', 'config.DATABASE_URL=postgres://u:p@db/x'],
      "additional properties 'DATABASE_URL' not allowed",
    ],
    [
      'a misspelt variable',
      ['--set', 'config.TEMPORAL_ADRESS=t:7233'],
      "additional properties 'TEMPORAL_ADRESS' not allowed",
    ],
    ['no Kafka brokers', ['--set', 'config.KAFKA_BROKERS='], "at '/config/KAFKA_BROKERS': minLength"],
    [
      'both HPA and KEDA for one role',
      ['--set', 'roles.bridge.autoscaling.enabled=true,roles.bridge.keda.enabled=true'],
      'roles.bridge: enable either autoscaling (HPA) or keda, not both',
    ],
  ])('refuses %s with a clear message', (_what, args, message) => {
    const run = helm('template', 'mlops', CHART, ...args);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
  });

  it('has a checker that rejects a misspelt field', () => {
    const rendered = render().replace('terminationGracePeriodSeconds:', 'terminationGracePeriodSecond:');
    const run = strictCheck(rendered);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown field "spec.template.spec.terminationGracePeriodSecond"');
  });
});

/** What a role's container sees: the ConfigMap through envFrom, then its own env (Secrets filled in). */
function podEnvironment(configMap: Manifest, deployment: Manifest): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...configMap.data };
  for (const e of deployment.spec.template.spec.containers[0].env) {
    env[e.name] = e.value ?? (e.valueFrom?.secretKeyRef ? SECRET_EXAMPLES[e.name] : 'from-the-pod');
  }
  return env;
}

const SECRET_EXAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://mlops:secret@postgres:5432/mlops',
  TEMPORAL_API_KEY: 'api-key',
  KAFKA_SASL_PASSWORD: 'password',
  MLFLOW_TRACKING_TOKEN: 'token',
  ALERT_WEBHOOK_URL: 'https://hooks.example.com/T000/B000',
  ALERT_DISCORD_WEBHOOK_URL: 'https://discord.example.com/api/webhooks/1/t0k3n',
  ALERT_JSON_WEBHOOK_URL: 'https://alerts.example.com/hook/t0k3n',
  ALERT_SMTP_PASSWORD: 'smtp-password',
  BRIDGE_HTTP_TOKEN: 'a-long-ingest-token',
  OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer a-collector-token',
};
