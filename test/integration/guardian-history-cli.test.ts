import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createGuardianActivities } from '../../src/activities/guardian';
import { uniqueName } from '../helpers/stack';
import { GuardianTestContext, openGuardianTestContext } from '../helpers/guardian-activity-deps';

// A busy machine makes Kafka group joins and leaves slow; every wait inside is bounded.
jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);

/** The real command line, as an operator runs it. */
function cli(args: string[]) {
  return execFileAsync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    timeout: 60_000,
  });
}

describe('mlops-guardian history', () => {
  let t: GuardianTestContext;
  beforeAll(async () => {
    t = await openGuardianTestContext();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("prints a model's decisions newest first, as a table or as JSON lines", async () => {
    const model = uniqueName('history-model');
    const { recordDecision } = createGuardianActivities(t.depsWith());
    const base = { modelName: model, severity: 'HIGH', details: {} };
    await recordDecision({
      ...base,
      eventId: 'e1',
      eventType: 'data_drift_detected',
      action: 'RETRAIN',
      executed: true,
      reason: 'drift 0.7',
      decidedAt: '2025-03-01T10:00:00.000Z',
    });
    await recordDecision({
      ...base,
      eventId: 'e2',
      eventType: 'data_drift_detected',
      action: 'RETRAIN',
      executed: false,
      reason: 'cooldown until 11:00',
      decidedAt: '2025-03-01T10:20:00.000Z',
    });
    await recordDecision({
      ...base,
      eventId: 'e3',
      eventType: 'system_overload',
      action: 'SCALE_UP',
      executed: true,
      reason: 'overload',
      decidedAt: '2025-03-01T10:30:00.000Z',
    });

    const table = await cli(['history', model, '--limit', '2']);
    const lines = table.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^2025-03-01T10:30:00.000Z\s+system_overload\s+HIGH\s+SCALE_UP\s+executed\s+overload\s+\[e3\]$/,
    );
    expect(lines[1]).toMatch(/RETRAIN\s+skipped\s+cooldown until 11:00\s+\[e2\]$/);

    const json = await cli(['history', model, '--json']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).eventId),
    ).toEqual(['e3', 'e2', 'e1']);
  });

  it('says so when a model has no decisions, and refuses a bad limit', async () => {
    expect((await cli(['history', uniqueName('never-seen')])).stdout).toMatch(
      /no decisions recorded for model/,
    );
    await expect(cli(['history', 'm', '--limit', 'lots'])).rejects.toMatchObject({ code: 2 });
  });
});
