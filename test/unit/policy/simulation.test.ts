import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  PolicySimulation,
  resolveGuardianSettings,
  type SimulatedDecision,
} from '../../../src/domain/policy';
import { driftEvent, systemEvent } from './model-events';
import { ingestSettings } from '../../helpers/ingest';
import { deterministicUuid } from '../../../src/backends/deterministic-id';

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE = path.join(ROOT, 'examples/events.sample.jsonl');
const run = promisify(execFile);

function simulate(lines: string[], timeZone = 'UTC') {
  const sim = new PolicySimulation(resolveGuardianSettings({ timeZone }), {
    ingest: ingestSettings(timeZone),
    idOf: (text) => deterministicUuid('event-body', text),
  });
  return lines.map((text, i) => sim.feedLine(text, i + 1));
}

function decisions(steps: ReturnType<typeof simulate>): SimulatedDecision[] {
  return steps.flatMap((s) => (s.kind === 'decision' ? [s.decision] : []));
}

describe('PolicySimulation', () => {
  it('decides the sample file the way the policy says', () => {
    const steps = simulate(fs.readFileSync(SAMPLE, 'utf8').split('\n'));
    const summary = decisions(steps).map(
      (d) => `${d.model_name} ${d.event_type} ${d.severity} ${d.action} ${d.outcome}`,
    );
    expect(summary).toEqual([
      'fraud-detector data_drift_detected MEDIUM RETRAIN defer',
      'fraud-detector data_drift_detected HIGH RETRAIN execute',
      'fraud-detector data_drift_detected CRITICAL RETRAIN skip',
      'fraud-detector model_performance_degraded HIGH ROLLBACK execute',
      'fraud-detector model_performance_degraded HIGH ROLLBACK duplicate',
      'churn-model model_performance_degraded LOW RETRAIN execute',
      'recsys-ranker system_overload HIGH SCALE_UP execute',
      'recsys-ranker system_overload HIGH SCALE_UP skip',
      'recsys-ranker system_overload HIGH SCALE_UP execute',
      'recsys-ranker system_overload HIGH SCALE_UP execute',
      'recsys-ranker system_overload HIGH SCALE_UP execute',
      'recsys-ranker system_overload HIGH MONITOR execute',
      'recsys-ranker prediction_latency_high LOW MONITOR execute',
      'churn-model service_health_check_failed MEDIUM ROLLBACK execute',
      'churn-model model_performance_degraded CRITICAL ALERT execute',
      'churn-model data_drift_detected MEDIUM ALERT execute',
      'fraud-detector feature_store_stale HIGH ALERT execute',
      'churn-model data_drift_detected MEDIUM RETRAIN defer',
      'churn-model data_drift_detected LOW MONITOR execute',
    ]);
    expect(steps.filter((s) => s.kind === 'invalid')).toEqual([
      { kind: 'invalid', line: 18, error: expect.stringMatching(/^not JSON: /) },
      { kind: 'invalid', line: 19, error: 'invalid event: drift_score: Too big: expected number to be <=1' },
    ]);
    const last = decisions(steps).at(-1)!;
    expect(last.scheduled_retrains_ran).toEqual([
      { event_id: expect.any(String), ran_at: '2026-03-04T02:00:00.000Z' },
    ]);
  });

  it('decides each event at its own timestamp, in the configured zone', () => {
    // 05:30 UTC is 06:30 in Berlin (CET): business hours there, not in UTC.
    const event = JSON.stringify(driftEvent({ severity: 'HIGH', at: '2026-01-15T05:30:00Z' }));
    expect(decisions(simulate([event], 'UTC'))[0].action).toBe('ALERT');
    expect(decisions(simulate([event], 'Europe/Berlin'))[0].action).toBe('RETRAIN');
  });

  it('keeps one policy state per model', () => {
    const a = systemEvent('system_overload', { model: 'a', at: '2026-01-15T10:00:00Z' });
    const b = systemEvent('system_overload', { model: 'b', at: '2026-01-15T10:01:00Z' });
    const a2 = systemEvent('system_overload', { model: 'a', at: '2026-01-15T10:02:00Z' });
    expect(decisions(simulate([a, b, a2].map((e) => JSON.stringify(e)))).map((d) => d.outcome)).toEqual([
      'execute',
      'execute',
      'skip',
    ]);
  });

  it('reports bad lines with their number and skips blank ones', () => {
    const steps = simulate(['', '[]', '{"event_type":"system_overload"}', '   ']);
    expect(steps).toEqual([
      { kind: 'blank', line: 1 },
      { kind: 'invalid', line: 2, error: expect.stringContaining('invalid event:') },
      { kind: 'invalid', line: 3, error: expect.stringContaining('names neither a model') },
      { kind: 'blank', line: 4 },
    ]);
  });

  it('warns when a model’s events go back in time', () => {
    const later = systemEvent('system_overload', { model: 'a', at: '2026-01-15T10:00:00Z' });
    const earlier = systemEvent('system_overload', { model: 'a', at: '2026-01-15T09:00:00Z' });
    const steps = simulate([later, earlier].map((e) => JSON.stringify(e)));
    expect(steps[1]).toMatchObject({
      kind: 'decision',
      warning: expect.stringContaining('is earlier than the previous event of a'),
    });
  });
});

describe('simulate command', () => {
  const cli = (...args: string[]) =>
    run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli.ts'), 'simulate', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, TIME_ZONE: 'UTC', LOG_LEVEL: 'silent' },
      },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({
        code: err.code,
        stdout: err.stdout,
        stderr: err.stderr,
      }),
    );

  it('prints one JSON object per input event with --json, and reports invalid lines on stderr', async () => {
    const result = await cli(SAMPLE, '--json');
    expect(result.code).toBe(1); // the sample has two invalid lines on purpose
    const objects = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toHaveLength(19);
    for (const o of objects) {
      expect(Object.keys(o)).toEqual(
        expect.arrayContaining([
          'event_id',
          'model_name',
          'event_type',
          'severity',
          'action',
          'executed',
          'reason',
          'duplicate',
        ]),
      );
    }
    expect(objects.filter((o) => o.duplicate === true)).toHaveLength(1);
    expect(objects[2]).toMatchObject({ action: 'RETRAIN', executed: false, duplicate: false });
    expect(result.stderr).toContain('events.sample.jsonl:18: not JSON');
    expect(result.stderr).toContain('events.sample.jsonl:19: invalid event: drift_score');
  }, 60_000);

  it('takes --time-zone and refuses one that does not exist', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-')), 'one.jsonl');
    fs.writeFileSync(
      file,
      `${JSON.stringify(driftEvent({ severity: 'HIGH', at: '2026-01-15T05:30:00Z' }))}\n`,
    );
    const berlin = await cli(file, '--time-zone', 'Europe/Berlin', '--json');
    expect(berlin.code).toBe(0);
    expect(JSON.parse(berlin.stdout)).toMatchObject({ action: 'RETRAIN', executed: true });
    const bad = await cli(file, '--time-zone', 'Europe/Atlantis');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--time-zone 'Europe/Atlantis' is not an IANA time zone");
    const missing = await cli(path.join(path.dirname(file), 'nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  }, 60_000);
});
