import { deterministicUuid } from '../../../src/backends/deterministic-id';
import type { AlarmTimelineSettings } from '../../../src/domain/alerting/alarm-timeline';
import { MAX_PENDING_APPROVALS } from '../../../src/domain/approval/approval-requests';
import type { ApprovalSettings } from '../../../src/domain/approval/approval-settings';
import type { EvaluationSettings } from '../../../src/domain/evaluation/evaluation-settings';
import { resolveGuardianSettings } from '../../../src/domain/policy';
import {
  LoopSimulation,
  type LoopApproval,
  type LoopStep,
} from '../../../src/domain/simulation/loop-simulation';
import { readScriptedAnswers, type ScriptedAnswer } from '../../../src/domain/simulation/scripted-answers';
import { ingestSettings } from '../../helpers/ingest';

const ROLLBACK_HIGH: ApprovalSettings = {
  required: [{ action: 'ROLLBACK', severity: 'HIGH' }],
  timeoutMinutes: 15,
  timeoutOutcome: 'abandon',
};
const ALERTING: AlarmTimelineSettings = { warningBatchSeconds: 300, inhibitMinutes: 30, groupWaitSeconds: 0 };
const AUC: EvaluationSettings = { metric: 'auc', direction: 'higher', minImprovement: 0, promotion: 'auto' };

function degraded(id: string, at: string, model = 'fraud') {
  return JSON.stringify({
    event_id: id,
    event_type: 'model_performance_degraded',
    timestamp: at,
    source: 'test',
    model_name: model,
    performance_drop: 0.12,
  });
}

function overload(id: string, at: string, model = 'fraud') {
  return JSON.stringify({
    event_id: id,
    event_type: 'system_overload',
    timestamp: at,
    source: 'test',
    model_name: model,
    severity: 'HIGH',
  });
}

function answers(...lines: Array<Record<string, unknown>>): ScriptedAnswer[] {
  const read = readScriptedAnswers(lines.map((l) => JSON.stringify(l)).join('\n'), 'UTC');
  expect(read.errors).toEqual([]);
  return read.answers;
}

function simulate(
  lines: string[],
  options: {
    approval?: ApprovalSettings;
    answers?: ScriptedAnswer[];
    alerts?: boolean;
    evaluation?: EvaluationSettings;
  } = {},
) {
  const sim = new LoopSimulation(
    resolveGuardianSettings({ approval: options.approval ?? ROLLBACK_HIGH, evaluation: options.evaluation }),
    {
      ingest: ingestSettings('UTC'),
      idOf: (text) => deterministicUuid('event-body', text),
      answers: options.answers,
      alerts: options.alerts ? { settings: ALERTING, silences: [] } : undefined,
    },
  );
  const steps: LoopStep[] = lines.map((text, i) => sim.feedLine(text, i + 1));
  const end = sim.finish();
  const approvals: LoopApproval[] = [
    ...steps.flatMap((s) => (s.kind === 'blank' ? [] : (s.approvals ?? []))),
    ...end.approvals,
  ];
  return { steps, end, approvals };
}

const decisions = (steps: LoopStep[]) => steps.flatMap((s) => (s.kind === 'decision' ? [s] : []));
const endsOf = (approvals: LoopApproval[]) =>
  approvals.flatMap((a) =>
    a.kind === 'end'
      ? [[a.request.requestId, a.resolution.outcome, new Date(a.at).toISOString(), a.resolution.said]]
      : [],
  );
const errorsOf = (approvals: LoopApproval[]) =>
  approvals.flatMap((a) => (a.kind === 'answer-error' ? [[a.line, a.error]] : []));

describe('simulate model 3: a decision that needs approval', () => {
  it('waits; a scripted approval at its time lets it run, with who and why', () => {
    const { steps, approvals } = simulate([degraded('d-1', '2026-03-02T09:00:00Z')], {
      answers: answers({
        event_id: 'd-1',
        answer: 'approve',
        by: 'ana',
        reason: 'broken',
        at: '2026-03-02T09:08:00Z',
      }),
    });
    expect(decisions(steps)[0].held).toEqual({
      held: true,
      waits: true,
      requestId: 'approval:d-1',
      expiresAt: Date.parse('2026-03-02T09:15:00Z'),
      timeoutOutcome: 'abandon',
      result:
        'awaiting approval (GUARDIAN_APPROVAL_REQUIRED=ROLLBACK:HIGH): request approval:d-1, until 2026-03-02T09:15:00.000Z, then abandon',
    });
    expect(endsOf(approvals)).toEqual([
      ['approval:d-1', 'runs', '2026-03-02T09:08:00.000Z', 'approved by ana: broken'],
    ]);
  });

  it('is answered by request id too, and a rejection runs nothing', () => {
    const { approvals } = simulate([degraded('d-1', '2026-03-02T09:00:00Z')], {
      answers: answers({
        request_id: 'approval:d-1',
        answer: 'reject',
        by: 'bo',
        at: '2026-03-02T09:01:00Z',
      }),
    });
    expect(endsOf(approvals)).toEqual([
      ['approval:d-1', 'rejected', '2026-03-02T09:01:00.000Z', 'rejected by bo'],
    ]);
  });

  it.each([
    ['abandon', 'abandoned'],
    ['proceed', 'runs'],
  ] as const)('with no answer, applies %s at request time + timeout', (timeoutOutcome, outcome) => {
    const { approvals } = simulate([degraded('d-1', '2026-03-02T09:00:00Z')], {
      approval: { ...ROLLBACK_HIGH, timeoutMinutes: 20, timeoutOutcome },
    });
    expect(endsOf(approvals)).toEqual([
      [
        'approval:d-1',
        outcome,
        '2026-03-02T09:20:00.000Z',
        `no answer within 20 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=${timeoutOutcome}`,
      ],
    ]);
  });

  it('times a request out before a later event is decided, in time order', () => {
    const { steps } = simulate([
      degraded('d-1', '2026-03-02T09:00:00Z'),
      overload('o-1', '2026-03-02T09:15:00Z'),
    ]);
    const later = steps[1] as Extract<LoopStep, { kind: 'decision' }>;
    expect(endsOf(later.approvals)).toEqual([
      [
        'approval:d-1',
        'abandoned',
        '2026-03-02T09:15:00.000Z',
        expect.stringContaining('no answer within 15 min'),
      ],
    ]);
  });

  it('decides events meanwhile with rule 6: the waiting action holds its cooldown, a rejection does not lift it', () => {
    const { steps } = simulate(
      [
        degraded('d-1', '2026-03-02T09:00:00Z'),
        overload('o-1', '2026-03-02T09:02:00Z'),
        degraded('d-2', '2026-03-02T09:05:00Z'),
        degraded('d-3', '2026-03-02T09:29:00Z'),
        degraded('d-4', '2026-03-02T09:30:00Z'),
      ],
      { answers: answers({ event_id: 'd-1', answer: 'reject', by: 'bo', at: '2026-03-02T09:03:00Z' }) },
    );
    expect(
      decisions(steps).map((s) => [s.decision.event_id, s.decision.outcome, s.held?.held ?? false]),
    ).toEqual([
      ['d-1', 'execute', true],
      ['o-1', 'execute', false],
      ['d-2', 'skip', false],
      ['d-3', 'skip', false],
      ['d-4', 'execute', true],
    ]);
    expect(decisions(steps)[2].decision.reason).toContain(
      'cooldown model_performance_degraded:ROLLBACK runs until 2026-03-02T09:30:00.000Z (started by event d-1)',
    );
  });

  it('an approved RETRAIN trains under its approval entry, and its training result ends it', () => {
    const drift = JSON.stringify({
      event_id: 'dr-1',
      event_type: 'data_drift_detected',
      timestamp: '2026-03-02T09:00:00Z',
      source: 'test',
      model_name: 'fraud',
      drift_score: 0.9,
      affected_features: ['amount'],
    });
    const result = JSON.stringify({
      event_type: 'model_training_completed',
      timestamp: '2026-03-02T10:00:00Z',
      model_name: 'fraud',
      new_version: '12',
      metrics: { auc: 0.91 },
      champion_version: '11',
      champion_metrics: { auc: 0.89 },
    });
    const { steps, approvals } = simulate([drift, result], {
      approval: { ...ROLLBACK_HIGH, required: [{ action: 'RETRAIN', severity: 'CRITICAL' }] },
      answers: answers({ event_id: 'dr-1', answer: 'approve', by: 'ana', at: '2026-03-02T09:05:00Z' }),
      evaluation: AUC,
    });
    expect(decisions(steps)[0].awaitsTrainingResult).toBe(false);
    const ended = approvals.find((a) => a.kind === 'end');
    expect(ended?.kind === 'end' && ended.training?.decisionId).toBe('dr-1:approval');
    const end = steps[1];
    expect(end.kind === 'retrain-end' && [end.end.retrain.decisionId, end.end.outcome.outcome]).toEqual([
      'dr-1:approval',
      'promoted',
    ]);
  });

  it('holds a deferred retrain when its window comes, as the guardian does', () => {
    const medium = JSON.stringify({
      event_id: 'dr-m',
      event_type: 'data_drift_detected',
      timestamp: '2026-03-02T14:00:00Z',
      source: 'test',
      model_name: 'fraud',
      drift_score: 0.3,
      affected_features: ['amount'],
      severity: 'MEDIUM',
    });
    const { steps, end } = simulate([medium, overload('o-1', '2026-03-03T09:00:00Z')], {
      approval: { ...ROLLBACK_HIGH, required: [{ action: 'RETRAIN', severity: 'MEDIUM' }] },
    });
    const next = steps[1] as Extract<LoopStep, { kind: 'decision' }>;
    expect(next.approvals.map((a) => a.kind)).toEqual(['window-held', 'end']);
    const held = next.approvals[0];
    expect(held.kind === 'window-held' && held.hold).toMatchObject({
      waits: true,
      requestId: 'approval:dr-m:window-run',
      expiresAt: Date.parse('2026-03-03T02:15:00Z'),
    });
    expect(end.stillTraining).toEqual([]);
  });

  it(`abandons a request past ${MAX_PENDING_APPROVALS} waiting on one model`, () => {
    const lines = Array.from({ length: MAX_PENDING_APPROVALS + 1 }, (_, i) =>
      JSON.stringify({
        event_id: `x-${i}`,
        event_type: `custom_${i}`,
        timestamp: '2026-03-02T09:00:00Z',
        source: 'test',
        model_name: 'fraud',
        severity: 'HIGH',
      }),
    );
    const { steps } = simulate(lines, {
      approval: { ...ROLLBACK_HIGH, required: [{ action: 'ALERT', severity: '*' }] },
    });
    const held = decisions(steps).map((s) => s.held);
    expect(held.filter((h) => h?.held && h.waits)).toHaveLength(MAX_PENDING_APPROVALS);
    expect(held[MAX_PENDING_APPROVALS]).toMatchObject({ held: true, waits: false });
  });

  it('sends the approval request alert past inhibition (and without the ALERT it holds)', () => {
    const critical = JSON.stringify({
      event_id: 'c-1',
      event_type: 'gpu_memory_exhausted',
      timestamp: '2026-03-02T08:59:00Z',
      source: 'test',
      model_name: 'fraud',
      severity: 'CRITICAL',
    });
    const { steps } = simulate([critical, degraded('d-1', '2026-03-02T09:00:00Z')], { alerts: true });
    const alerts = decisions(steps)[1].alerts;
    expect(alerts.map((a) => [a.alarm.id, a.fate.fate])).toEqual([['d-1:approval-request', 'sent']]);
  });
});

describe('simulate model 3: bad answers', () => {
  it('names the line of an answer for an unknown id, a finished request, or a second answer', () => {
    const { approvals } = simulate(
      [degraded('d-1', '2026-03-02T09:00:00Z'), degraded('e-1', '2026-03-02T09:00:00Z', 'churn')],
      {
        answers: answers(
          { event_id: 'nope', answer: 'approve', by: 'ana', at: '2026-03-02T09:01:00Z' },
          { event_id: 'd-1', answer: 'approve', by: 'ana', at: '2026-03-02T09:02:00Z' },
          { event_id: 'd-1', answer: 'reject', by: 'bo', at: '2026-03-02T09:03:00Z' },
          { event_id: 'e-1', answer: 'approve', by: 'cy', at: '2026-03-02T09:16:00Z' },
        ),
      },
    );
    expect(errorsOf(approvals)).toEqual([
      [
        1,
        "no approval request for event 'nope' waits at 2026-03-02T09:01:00.000Z (unknown, not held for approval, or asked later); waiting: approval:d-1, approval:e-1",
      ],
      [
        3,
        'the approval request approval:d-1 already ended at 2026-03-02T09:02:00.000Z (approved by ana, answers line 2); an answer at 2026-03-02T09:03:00.000Z comes too late',
      ],
      [
        4,
        'the approval request approval:e-1 already ended at 2026-03-02T09:15:00.000Z (no answer within 15 min, GUARDIAN_APPROVAL_TIMEOUT_OUTCOME=abandon); an answer at 2026-03-02T09:16:00.000Z comes too late',
      ],
    ]);
    expect(endsOf(approvals).map((e) => e.slice(0, 2))).toEqual([
      ['approval:d-1', 'runs'],
      ['approval:e-1', 'abandoned'],
    ]);
  });

  it('asks for model_name when one event id names requests of two models', () => {
    const { approvals } = simulate(
      [degraded('same', '2026-03-02T09:00:00Z'), degraded('same', '2026-03-02T09:00:00Z', 'churn')],
      {
        answers: answers(
          { event_id: 'same', answer: 'approve', by: 'ana', at: '2026-03-02T09:01:00Z' },
          { event_id: 'same', model_name: 'churn', answer: 'approve', by: 'ana', at: '2026-03-02T09:02:00Z' },
        ),
      },
    );
    expect(errorsOf(approvals)).toEqual([[1, "event 'same' names requests of fraud, churn: add model_name"]]);
    expect(endsOf(approvals)[0].slice(0, 2)).toEqual(['approval:same', 'runs']);
  });

  it.each([
    [
      '{"event_id": "d-1", "answer": "approve", "at": "2026-03-02T09:01:00Z"}',
      "'by' is missing: say who answers",
    ],
    [
      '{"event_id": "d-1", "answer": "maybe", "by": "a", "at": "2026-03-02T09:01:00Z"}',
      'answer must be approve or reject, got "maybe"',
    ],
    ['{"answer": "approve", "by": "a", "at": "2026-03-02T09:01:00Z"}', 'name the request: event_id'],
    ['{"event_id": "d-1", "answer": "approve", "by": "a"}', 'at is missing'],
    [
      '{"event_id": "d-1", "answer": "approve", "by": "a", "at": "soon"}',
      'at: "soon" is not an ISO-8601 date-time',
    ],
    ['{"event_id": ', 'not JSON'],
    ['[1]', 'an answer must be an object'],
  ])('refuses %s, naming what is wrong', (line, error) => {
    const read = readScriptedAnswers(`\n${line}\n`, 'UTC');
    expect(read.answers).toEqual([]);
    expect(read.errors).toEqual([
      { line: line.startsWith('[') ? 1 : 2, error: expect.stringContaining(error) },
    ]);
  });

  it('reads a JSON array, in time order, with naive times in the producer zone', () => {
    const read = readScriptedAnswers(
      JSON.stringify([
        { event_id: 'b', answer: 'reject', by: 'bo', at: '2026-03-02T10:30:00' },
        {
          request_id: 'approval:a',
          answer: 'APPROVE',
          by: ' ana ',
          reason: ' ok ',
          at: '2026-03-02T09:00:00Z',
        },
      ]),
      'Europe/Berlin',
    );
    expect(read.errors).toEqual([]);
    expect(read.answers).toEqual([
      {
        line: 2,
        requestId: 'approval:a',
        verdict: 'approved',
        by: 'ana',
        reason: 'ok',
        at: Date.parse('2026-03-02T09:00:00Z'),
      },
      { line: 1, eventId: 'b', verdict: 'rejected', by: 'bo', at: Date.parse('2026-03-02T09:30:00Z') },
    ]);
  });
});
