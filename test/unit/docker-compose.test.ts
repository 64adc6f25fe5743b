import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { settingGroups } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

const ROOT = path.resolve(__dirname, '..', '..');
// Docker Compose resolves `<<:` merge keys; so must we.
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.temporal.yml'), 'utf8'), {
  merge: true,
});
// WORKER_ROLES picks the roles a process runs; the compose file sets it per service.
const knownVariables = new Set([
  'WORKER_ROLES',
  ...Object.values(settingGroups).flatMap((g) => Object.values(g).map((s) => s.env)),
]);
const ROLE_SERVICES: Record<string, string> = {
  'worker-guardian': 'guardian',
  'worker-video': 'video',
  'worker-report': 'report',
  bridge: 'bridge',
};
const command = (service: string): string => [compose.services[service].command].flat().join(' ');

describe('docker-compose.temporal.yml', () => {
  it('names every service of the stack', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'temporal-postgresql',
        'temporal-schema',
        'temporal',
        'temporal-namespace',
        'temporal-ui',
        'kafka',
        'mlops-postgresql',
        ...Object.keys(ROLE_SERVICES),
      ]),
    );
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it('runs the Temporal server image on a schema that admin-tools set up, not the deprecated auto-setup', () => {
    const images = Object.values(compose.services).map((s) => (s as { image?: string }).image ?? '');
    expect(images.filter((i) => i.includes('auto-setup'))).toEqual([]);
    const server = compose.services.temporal;
    const [, serverVersion] = server.image.split(':');
    expect(server.image).toMatch(/^temporalio\/server:/);
    expect(server.environment.DB).toBe('postgres12');
    expect(server.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');

    const schema = compose.services['temporal-schema'];
    expect(schema.image).toBe(`temporalio/admin-tools:${serverVersion}`);
    expect(schema.depends_on['temporal-postgresql'].condition).toBe('service_healthy');
    for (const step of ['create', 'setup-schema', 'update-schema', 'temporal temporal_visibility']) {
      expect(command('temporal-schema')).toContain(step);
    }
    expect(command('temporal-schema')).toContain('/etc/temporal/schema/postgresql/v12/$$schema/versioned');
  });

  it('runs each role of the product as its own service from one image', () => {
    for (const [service, role] of Object.entries(ROLE_SERVICES)) {
      const s = compose.services[service];
      expect({ service, build: s.build, image: s.image }).toEqual({
        service,
        build: '.',
        image: 'mlops-guardian:local',
      });
      expect(s.environment.WORKER_ROLES).toBe(role);
      expect(s.environment.BRIDGE_ENABLED).toBe(role === 'bridge' ? 'true' : 'false');
      expect(s.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(s.environment.KAFKA_BROKERS).toBe('kafka:9092');
      expect(s.environment.DATABASE_URL).toMatch(/@mlops-postgresql:5432\//);
      expect(s.depends_on['temporal-namespace'].condition).toBe('service_completed_successfully');
    }
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    const bridge = compose.services.bridge;
    expect(bridge.environment.BRIDGE_HTTP_HOST).toBe('0.0.0.0');
    expect(bridge.ports).toEqual(['127.0.0.1:8088:8088']);
    expect(bridge.healthcheck.test.join(' ')).toContain('/healthz');
  });

  it('uses only variable names the product understands', () => {
    for (const service of Object.keys(ROLE_SERVICES)) {
      const unknown = Object.keys(compose.services[service].environment).filter(
        (v) => !knownVariables.has(v),
      );
      expect({ service, unknown }).toEqual({ service, unknown: [] });
    }
  });

  it('creates the namespace and registers every search attribute the workflows set', () => {
    expect(command('temporal-namespace')).toContain('namespace create --namespace default');
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(command('temporal-namespace')).toContain(name);
  });
});
