import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { settingGroups } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

const ROOT = path.resolve(__dirname, '..', '..');
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.temporal.yml'), 'utf8'));
const knownVariables = new Set(
  Object.values(settingGroups).flatMap((g) => Object.values(g).map((s) => s.env)),
);

describe('docker-compose.temporal.yml', () => {
  it('names every service of the stack', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'temporal',
        'temporal-postgresql',
        'temporal-ui',
        'kafka',
        'mlops-postgresql',
        'worker',
      ]),
    );
    expect(compose.services.temporal.environment.DB).toBe('postgres12');
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it('builds the worker from this repository and gives it every service address it needs', () => {
    const worker = compose.services.worker;
    expect(worker.build).toBe('.');
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    for (const name of [
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_TASK_QUEUE',
      'KAFKA_BROKERS',
      'DATABASE_URL',
    ]) {
      expect(worker.environment[name]).toBeTruthy();
    }
    expect(worker.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(worker.environment.KAFKA_BROKERS).toBe('kafka:9092');
    expect(worker.environment.DATABASE_URL).toMatch(/@mlops-postgresql:5432\//);
  });

  it('uses only variable names the worker understands', () => {
    const unknown = Object.keys(compose.services.worker.environment).filter((v) => !knownVariables.has(v));
    expect(unknown).toEqual([]);
  });

  it('registers every search attribute the workflows set', () => {
    const command: string = compose.services['temporal-search-attributes'].command.join(' ');
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(command).toContain(name);
  });
});
