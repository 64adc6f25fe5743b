import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../..');
const EVALUATION = path.join(ROOT, 'examples/retrain-evaluation.jsonl');
const GROUPING = path.join(ROOT, 'examples/alert-grouping.jsonl');
const SILENCES = path.join(ROOT, 'examples/silences.jsonl');
const APPROVAL_EVENTS = path.join(ROOT, 'examples/approval-events.jsonl');
const APPROVALS = path.join(ROOT, 'examples/approvals.jsonl');
const APPROVAL_ENV = { GUARDIAN_APPROVAL_REQUIRED: 'ROLLBACK:HIGH,SCALE_UP:*' };
const run = promisify(execFile);

function cli(env: NodeJS.ProcessEnv, ...args: string[]) {
  return run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli.ts'), 'simulate', ...args],
    { cwd: ROOT, env: { ...process.env, TIME_ZONE: 'UTC', LOG_LEVEL: 'silent', ...env } },
  ).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

const objects = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('simulate: evaluate → promote or reject after a RETRAIN', () => {
  it('prints the verdict of each training result with the configured metric', async () => {
    const { code, stdout } = await cli({ EVALUATION_METRIC: 'auc' }, EVALUATION);
    expect(code).toBe(0);
    expect(stdout).toContain('evaluation auc (higher is better, improvement ≥ 0)');
    expect(stdout).toContain(
      'training result of the RETRAIN of line 1 (event drift-fd-1)  →  promoted from version 11 to 12',
    );
    expect(stdout).toContain('→  rejected, version 4 keeps serving');
    expect(stdout).toContain('improvement -0.018, needs improvement ≥ 0: failed');
    expect(stdout).toContain("has no metric 'auc'");
    expect(stdout).toContain(
      'the evaluation of the RETRAIN of line 7 (event drift-fd-2) depends on its training result',
    );
    expect(stdout).toContain('3 training results: 1 promoted, 1 rejected, 1 failed, 0 not evaluated');
  });

  it('follows the settings: a tolerance lets the slightly worse candidate through', async () => {
    const { stdout } = await cli({ EVALUATION_METRIC: 'auc', EVALUATION_TOLERANCE: '0.02' }, EVALUATION);
    expect(stdout).toContain('3 training results: 2 promoted, 0 rejected, 1 failed');
  });

  it('without EVALUATION_METRIC a retrain ends with training, as in the worker', async () => {
    const { stdout } = await cli({ EVALUATION_METRIC: '' }, EVALUATION);
    expect(stdout).toContain('no evaluation (EVALUATION_METRIC is not set)');
    expect(stdout).not.toContain('depends on its training result');
  });

  it('carries the verdict in --json', async () => {
    const { stdout } = await cli({ EVALUATION_METRIC: 'auc' }, EVALUATION, '--json');
    const ends = objects(stdout).filter((o) => o.kind === 'retrain_end');
    expect(ends.map((o) => [o.retrain_of, o.outcome])).toEqual([
      ['drift-fd-1', 'promoted'],
      ['degr-cm-1', 'rejected'],
      ['drift-rr-1', 'failed'],
    ]);
    expect(ends[0].verdict).toMatchObject({ metric: 'auc', candidate: 0.91, champion: 0.89, pass: true });
    expect(objects(stdout).filter((o) => o.kind === 'awaiting_training_result')).toEqual([
      { kind: 'awaiting_training_result', model_name: 'fraud-detector', retrain_of: 'drift-fd-2', line: 7 },
    ]);
  });
});

describe('simulate --alerts / --silences: what reaches people', () => {
  it('groups, inhibits and silences the alerts its decisions send', async () => {
    const { code, stdout } = await cli({ ALERT_GROUP_WAIT_SECONDS: '60' }, GROUPING, '--silences', SILENCES);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '2026-03-02T23:11:00.000Z  group fraud-detector|data_drift_detected goes out: one message listing 3 alerts',
    );
    expect(stdout).toContain('inhibited by the critical alert fd-drift-2:drift');
    expect(stdout).toContain('silenced by silence-1');
    expect(stdout).toContain('silenced while it waited, by ranker-handover');
    expect(stdout).toContain('into the daily report');
    expect(stdout).toContain(
      '9 alerts: 0 sent at once, 4 grouped, 2 batched, 1 into the daily report, 1 silenced, 1 inhibited',
    );
  });

  it('sends critical alerts at once without a group wait', async () => {
    const { stdout } = await cli({ ALERT_GROUP_WAIT_SECONDS: '0' }, GROUPING, '--alerts');
    expect(stdout).toContain(
      '9 alerts: 4 sent at once, 0 grouped, 3 batched, 1 into the daily report, 0 silenced, 1 inhibited',
    );
  });

  it('carries every alert’s fate and every message in --json', async () => {
    const { stdout } = await cli(
      { ALERT_GROUP_WAIT_SECONDS: '60' },
      GROUPING,
      '--silences',
      SILENCES,
      '--json',
    );
    const all = objects(stdout);
    const decisions = all.filter((o) => o.kind === undefined);
    expect(decisions).toHaveLength(7);
    const fates = decisions.flatMap((d) =>
      (d.alerts as Array<{ alert_id: string; fate: string }>).map((a) => [a.alert_id, a.fate]),
    );
    expect(fates).toContainEqual(['fd-degr-1:alert', 'inhibited']);
    expect(fates).toContainEqual(['cm-stale-1:alert', 'silenced']);
    const messages = all.filter((o) => o.kind === 'notification');
    expect(messages.map((m) => [m.type, m.at, (m.alerts as unknown[]).length])).toEqual([
      ['group', '2026-03-02T23:11:00.000Z', 3],
      ['batch', '2026-03-02T23:25:00.000Z', 1],
      ['group', '2026-03-02T23:41:00.000Z', 1],
    ]);
    expect(messages[1].silenced_while_waiting).toEqual([
      { alert_id: 'rr-drift-1:alert', by: 'ranker-handover' },
    ]);
  });

  it('refuses a bad silences file before simulating anything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-silences-'));
    const file = path.join(dir, 'silences.jsonl');
    fs.writeFileSync(
      file,
      '{"matchers": {}, "creator": "ana", "comment": "x", "endsAt": "2026-03-03T00:00:00Z"}\n',
    );
    const { code, stdout, stderr } = await cli({}, GROUPING, '--silences', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('silences.jsonl: line 1: a silence needs at least one matcher');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('simulate --approvals: model 3, human approval', () => {
  it('holds what GUARDIAN_APPROVAL_REQUIRED names, and ends each request by its answer or timeout', async () => {
    const { code, stdout, stderr } = await cli(APPROVAL_ENV, APPROVAL_EVENTS, '--approvals', APPROVALS);
    expect(stdout).toContain('approval ROLLBACK:HIGH,SCALE_UP:* (15 min, then abandon)');
    expect(stdout).toContain(
      'model_performance_degraded  HIGH  →  ROLLBACK awaiting approval (request approval:degr-fd-1 until 2026-03-02T09:15:00.000Z, then abandon)',
    );
    expect(stdout).toContain(
      '2026-03-02T09:05:00Z  fraud-detector  model_performance_degraded  HIGH  →  ROLLBACK skipped',
    );
    expect(stdout).toContain(
      '2026-03-02T09:08:00.000Z  fraud-detector  approval request approval:degr-fd-1 of line 1 (event degr-fd-1)  →  ROLLBACK executed',
    );
    expect(stdout).toContain('approved by ana: version 12 is broken (request approval:degr-fd-1');
    expect(stdout).toContain('→  rejected, ROLLBACK does not run');
    expect(stdout).toContain(
      '2026-03-02T09:35:00.000Z  recsys-ranker  approval request approval:overload-rr-1 of line 4 (event overload-rr-1)  →  abandoned, SCALE_UP does not run',
    );
    expect(stdout).toContain('6 events: 1 executed, 4 held for approval, 0 deferred');
    expect(stdout).toContain(
      '4 approval requests: 1 approved, 1 rejected, 2 timed out (0 proceeded); 0 abandoned with too many waiting; 3 invalid answers',
    );
    // Bad answers name their line; the run goes on and says so in its exit status.
    expect(stderr).toContain(`${APPROVALS}:4: 'by' is missing: say who answers`);
    expect(stderr).toContain(`${APPROVALS}:3: the approval request approval:overload-rr-1 already ended`);
    expect(stderr).toContain(`${APPROVALS}:5: no approval request for event 'drift-fd-1' waits`);
    expect(code).toBe(1);
  });

  it('runs a request nobody answered with GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=proceed, and prints JSON', async () => {
    const { stdout } = await cli(
      { ...APPROVAL_ENV, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME: 'proceed' },
      APPROVAL_EVENTS,
      '--approvals',
      APPROVALS,
      '--json',
    );
    const held = objects(stdout).filter((o) => o.approval !== undefined);
    expect(held.map((o) => o.event_id)).toEqual([
      'degr-fd-1',
      'health-cm-1',
      'overload-rr-1',
      'overload-rr-2',
    ]);
    expect(held[0].approval).toEqual({
      status: 'awaiting',
      request_id: 'approval:degr-fd-1',
      until: '2026-03-02T09:15:00.000Z',
      timeout_outcome: 'proceed',
    });
    const ends = objects(stdout).filter((o) => o.kind === 'approval_end');
    expect(ends.map((o) => [o.request_id, o.outcome, o.at])).toEqual([
      ['approval:degr-fd-1', 'runs', '2026-03-02T09:08:00.000Z'],
      ['approval:health-cm-1', 'rejected', '2026-03-02T09:12:00.000Z'],
      ['approval:overload-rr-1', 'runs', '2026-03-02T09:35:00.000Z'],
      ['approval:overload-rr-2', 'runs', '2026-03-02T10:45:00.000Z'],
    ]);
  });

  it('without GUARDIAN_APPROVAL_REQUIRED nothing waits, and it says the answers do not apply', async () => {
    const { stdout, stderr } = await cli({}, APPROVAL_EVENTS, '--approvals', APPROVALS);
    expect(stderr).toContain(
      'GUARDIAN_APPROVAL_REQUIRED names nothing: no decision waits, no answer applies',
    );
    expect(stdout).not.toContain('awaiting approval');
    expect(stdout).toContain('6 events: 5 executed, 0 deferred');
  });

  it('an unreadable answers file is bad usage', async () => {
    const { code, stderr } = await cli(
      APPROVAL_ENV,
      APPROVAL_EVENTS,
      '--approvals',
      '/nonexistent/answers.jsonl',
    );
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read /nonexistent/answers.jsonl');
  });

  it('holds a deferred retrain when its window comes, and trains it once approved', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-window-'));
    const events = path.join(dir, 'events.jsonl');
    const answers = path.join(dir, 'answers.jsonl');
    fs.writeFileSync(
      events,
      [
        {
          event_id: 'dr-m',
          event_type: 'data_drift_detected',
          timestamp: '2026-03-02T14:00:00Z',
          source: 't',
          model_name: 'fraud',
          drift_score: 0.3,
          affected_features: ['a'],
          severity: 'MEDIUM',
        },
        {
          event_id: 'o-1',
          event_type: 'system_overload',
          timestamp: '2026-03-03T09:00:00Z',
          source: 't',
          model_name: 'fraud',
          severity: 'HIGH',
        },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    fs.writeFileSync(
      answers,
      '{"event_id": "dr-m", "answer": "approve", "by": "ana", "at": "2026-03-03T02:05:00Z"}\n',
    );
    const { code, stdout } = await cli(
      { GUARDIAN_APPROVAL_REQUIRED: 'RETRAIN:MEDIUM', EVALUATION_METRIC: 'auc' },
      events,
      '--approvals',
      answers,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(stdout).toContain(
      '2026-03-03T02:00:00.000Z  fraud  scheduled RETRAIN of event dr-m: its window came, awaiting approval (GUARDIAN_APPROVAL_REQUIRED=RETRAIN:MEDIUM): request approval:dr-m:window-run',
    );
    expect(stdout).not.toContain('ran in the maintenance window');
    expect(stdout).toContain(
      'approval request approval:dr-m:window-run of the window run of event dr-m  →  RETRAIN executed',
    );
    expect(stdout).toContain(
      'the evaluation of the RETRAIN of the window run of event dr-m (approved) depends on its training result',
    );
  });
});
