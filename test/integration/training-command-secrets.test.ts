import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createGuardianActivities } from '../../src/activities/guardian';
import { configuredSecretValues } from '../../src/config';
import {
  GuardianTestContext,
  openGuardianTestContext,
  recordTopics,
  runInActivityContext,
  TopicRecorder,
} from '../helpers/guardian-activity-deps';
import { uniqueName } from '../helpers/stack';

jest.setTimeout(60_000);

// What a worker's environment holds in production, next to the real DATABASE_URL of the stack.
const WORKER_SECRETS: Record<string, string> = {
  KAFKA_SASL_PASSWORD: 'kafka-sasl-pass-4f1e',
  TEMPORAL_API_KEY: 'temporal-api-key-9c2d',
  MLFLOW_TRACKING_TOKEN: 'mlflow-token-77ab',
  ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T01/B02/slack-secret-5e6f',
  BRIDGE_HTTP_TOKEN: 'bridge-http-token-0123456789',
};
// Credentials the command prints that are not configured: recognised by their shape.
const SHAPED_SECRETS = ['sk-live-abcdef123456', 'url-pass-789'];

/**
 * A training command that leaks: it prints its whole environment, then credentials it read
 * elsewhere (a mounted file), then fails. Run through the real activity, local command runner,
 * PostgreSQL job table and Kafka: the child never has the worker's secrets, and what leaves the
 * process (result detail, logs, job row, training-completed event) has them all redacted.
 */
describe('the local training command and the worker secrets', () => {
  let t: GuardianTestContext;
  let topics: TopicRecorder;
  let dir: string;
  const saved: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    t = await openGuardianTestContext();
    topics = await recordTopics(t.kafka, [t.config.kafka.topicTrainingCompleted]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-secrets-'));
    for (const [name, value] of Object.entries({ ...WORKER_SECRETS, TRAINING_TEST_EXTRA: 'visible' })) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await topics?.stop();
    await t?.close();
  });

  it('keeps them out of the command, and redacts them from all it reports', async () => {
    const deps = t.depsWith({ TRAINING_COMMAND_ENV: 'TRAINING_TEST_EXTRA' });
    const configured = configuredSecretValues(deps.config);
    expect(configured).toEqual(
      expect.arrayContaining([process.env.DATABASE_URL, ...Object.values(WORKER_SECRETS)]),
    );

    const envDump = path.join(dir, 'env');
    const credentials = path.join(dir, 'credentials');
    fs.writeFileSync(credentials, `${configured.join('\n')}\n`);
    const script = path.join(dir, 'train.sh');
    fs.writeFileSync(
      script,
      [
        `env > '${envDump}'`,
        'env',
        `cat '${credentials}'`,
        `echo "calling the API with Authorization: Bearer ${SHAPED_SECRETS[0]}"`,
        `echo "fetching https://trainer:${SHAPED_SECRETS[1]}@data.internal/set" >&2`,
        'exit 3',
      ].join('\n'),
    );
    const model = uniqueName('train-secrets');
    const activities = createGuardianActivities({
      ...deps,
      config: { ...deps.config, guardian: { ...deps.config.guardian, trainingCommand: `sh '${script}'` } },
    });

    const result = await runInActivityContext(new MockActivityEnvironment(), activities.runTrainingJob, {
      modelName: model,
      modelVersion: '3',
      reason: 'HIGH drift',
      priority: 'high',
      triggeringEventId: uniqueName('evt'),
    });

    // The child's own view of its environment, written unscrubbed by the child itself.
    const childEnv = fs.readFileSync(envDump, 'utf8');
    for (const name of [
      ...Object.keys(WORKER_SECRETS),
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'TEMPORAL_ADDRESS',
    ]) {
      expect(childEnv).not.toMatch(new RegExp(`^${name}=`, 'm'));
    }
    for (const secret of configured) expect(childEnv).not.toContain(secret);
    expect(childEnv).toMatch(/^PATH=/m);
    expect(childEnv).toMatch(/^TRAINING_TEST_EXTRA=visible$/m);
    expect(childEnv).toMatch(new RegExp(`^MODEL_NAME=${model}$`, 'm'));

    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/exited with code 3/);
    expect(result.detail).toContain('calling the API with Authorization: Bearer [redacted]');
    expect(result.detail).toContain('fetching https://trainer:[redacted]@data.internal/set');
    const [row] = (
      await t.pool.query('SELECT detail FROM guardian_training_jobs WHERE job_id = $1', [result.jobId])
    ).rows;
    const [completed] = await topics.waitFor((e) => e.key === model);
    const logLines = t.logs.filter((l) => l.job_id === result.jobId);
    expect(logLines.length).toBeGreaterThan(5);

    const reported = {
      detail: result.detail ?? '',
      row: row.detail as string,
      event: JSON.stringify(completed.event),
      logs: JSON.stringify(logLines),
    };
    for (const [where, text] of Object.entries(reported)) {
      for (const secret of [...configured, ...SHAPED_SECRETS]) {
        if (text.includes(secret)) throw new Error(`${where} holds the secret ${JSON.stringify(secret)}`);
      }
      expect(text).toContain('[redacted]');
    }
  });
});
