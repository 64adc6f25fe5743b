import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../..');
const INTEROP = path.join(ROOT, 'test/fixtures/interop');
const run = promisify(execFile);

async function simulateJson(file: string, env: NodeJS.ProcessEnv) {
  const { stdout } = await run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli.ts'), 'simulate', file, '--json'],
    { cwd: ROOT, env: { ...process.env, ...env } },
  );
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

describe('simulate over the conformance corpus (the reader the bridge uses)', () => {
  it('decides every reference-producer file in its own producer zone, none invalid', async () => {
    const dir = path.join(INTEROP, 'reference-producer');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      const zone: string = JSON.parse(fs.readFileSync(path.join(dir, 'expected-instants.json'), 'utf8'))[file]
        .zone;
      const lines = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').length;
      // execFile rejects on exit status 1, which simulate returns when a line is invalid.
      const decisions = await simulateJson(path.join(dir, file), {
        PRODUCER_TIME_ZONE: zone,
        TIME_ZONE: 'UTC',
      });
      expect(decisions).toHaveLength(lines);
      expect(decisions.every((d) => d.reason.includes(`read as ${zone} wall time`))).toBe(true);
    }
  });

  it('decides CloudEvents, drift tools’ reports and a service-only event', async () => {
    const decisions = await simulateJson(path.join(INTEROP, 'corpus.jsonl'), {
      PRODUCER_TIME_ZONE: 'Asia/Seoul',
      TIME_ZONE: 'Asia/Seoul',
    });
    const summary = decisions.map(
      (d) => `${d.model_name} ${d.event_type} ${d.severity} ${d.action} ${d.outcome}`,
    );
    expect(summary).toEqual([
      'movie_recommender data_drift_detected HIGH RETRAIN execute',
      'movie_recommender prediction_latency_high HIGH SCALE_UP execute',
      // Evidently's share 0.5 is MEDIUM drift: deferred; alibi's 2 of 3 (0.67) is HIGH: now.
      'churn_model data_drift_detected MEDIUM RETRAIN defer',
      'churn_model data_drift_detected HIGH RETRAIN execute',
      'service:feature-store service_health_check_failed CRITICAL ALERT execute',
    ]);
    expect(decisions[2].reason).toContain('Evidently report read as a drift event');
    expect(decisions[3].reason).toContain('2 of 3 features with p-value < threshold');
    expect(decisions[4].reason).toContain(
      'no model to roll back, the event names only service feature-store',
    );
    expect(decisions[4].reason).toContain('no event_id: ');
  });
});
